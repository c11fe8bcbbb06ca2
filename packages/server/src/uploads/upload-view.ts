import type { RecordingUpload, UploadQueueEntry } from '@tether/protocol';
import type { UploadRecord } from '../store/upload-repository.js';

/** A queue row as the recording list shows it (never with a credential: rows hold none). */
export function toRecordingUpload(record: UploadRecord): RecordingUpload {
  return {
    state: record.state,
    attempts: record.attempts,
    lastError: record.lastError,
    target: record.target,
    nextAttemptAt: record.nextAttemptAt?.toISOString() ?? null,
    completedAt: record.completedAt?.toISOString() ?? null,
    remotePath: record.remotePath,
    verification: record.verification,
    notice: record.notice,
  };
}

/** A queue row as `GET /api/v1/uploads` shows it. */
export function toUploadQueueEntry(record: UploadRecord): UploadQueueEntry {
  return {
    ...toRecordingUpload(record),
    recordingId: record.recordingId,
    deviceId: record.deviceId,
  };
}
