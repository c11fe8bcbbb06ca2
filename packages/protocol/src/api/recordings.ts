import { z } from 'zod';
import { DeviceId, RecordingId, SessionId, Timestamp } from '../ids.js';
import { SessionKind } from './sessions.js';
import { RecordingUpload } from './uploads.js';

/** `recording` while the session runs; `complete` after a clean end; `interrupted` after a crash. */
export const RecordingState = z.enum(['recording', 'complete', 'interrupted']);
export type RecordingState = z.infer<typeof RecordingState>;

/** How a recording is stored: each session kind brings its own format. */
export const RecordingFormat = z.enum(['asciicast-v2', 'tether-files-v1', 'tether-rfb-v1']);
export type RecordingFormat = z.infer<typeof RecordingFormat>;

/**
 * A recording in the list.
 *
 * @example
 * `${recording.deviceName}, ${Math.round(recording.durationMs / 1000)} s`
 */
export const Recording = z.object({
  id: RecordingId,
  sessionId: SessionId,
  deviceId: DeviceId,
  deviceName: z.string(),
  username: z.string(),
  kind: SessionKind,
  format: RecordingFormat,
  state: RecordingState,
  startedAt: Timestamp,
  endedAt: Timestamp.nullable(),
  durationMs: z.number().nonnegative(),
  sizeBytes: z.int().nonnegative(),
  /** Its upload to custom storage; null when no upload policy applied, absent from older servers. */
  upload: RecordingUpload.nullable().optional(),
});
export type Recording = z.infer<typeof Recording>;

/** `GET /api/v1/recordings`; the content is at `GET /api/v1/recordings/:id/content`. */
export const RecordingList = z.object({ recordings: z.array(Recording) });
export type RecordingList = z.infer<typeof RecordingList>;
