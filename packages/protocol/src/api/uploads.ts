import { z } from 'zod';
import { DeviceId, RecordingId, Timestamp } from '../ids.js';
import { CustomStorage } from './policies.js';

/**
 * Where a recording is in the upload queue: `pending` waits for its (next) attempt,
 * `uploading` is being sent, `done` is stored and verified on the target, `failed` means the
 * last attempt failed; it is retried at `nextAttemptAt` and the local file is kept meanwhile.
 */
export const UploadState = z.enum(['pending', 'uploading', 'done', 'failed']);
export type UploadState = z.infer<typeof UploadState>;

/**
 * How an upload was verified on the target: `sha256` by reading the copy back and comparing its
 * SHA-256, `size` by its size only, when the account may not read files back (write-only).
 */
export const UploadVerification = z.enum(['sha256', 'size']);
export type UploadVerification = z.infer<typeof UploadVerification>;

/**
 * A recording's upload to custom storage, as the recording list shows it.
 *
 * @example
 * const label = upload.state === 'failed' ? `failed: ${upload.lastError}` : upload.state;
 */
export const RecordingUpload = z.object({
  state: UploadState,
  attempts: z.int().nonnegative(),
  /** Why the last attempt failed, saying what to fix; null once done. */
  lastError: z.string().nullable(),
  /** `sftp://user@host:port/path`; never holds the credential. */
  target: z.string(),
  nextAttemptAt: Timestamp.nullable(),
  completedAt: Timestamp.nullable(),
  /** Where the recording is on the target, once done. */
  remotePath: z.string().nullable(),
  /** How the copy on the target was verified, once done. */
  verification: UploadVerification.nullable(),
  /**
   * What the upload did differently from the usual, once done, e.g. "The account may not create
   * the month folder …, so the files went into … directly"; null when nothing.
   */
  notice: z.string().nullable(),
});
export type RecordingUpload = z.infer<typeof RecordingUpload>;

/** One entry of the upload queue. */
export const UploadQueueEntry = RecordingUpload.extend({
  recordingId: RecordingId,
  deviceId: DeviceId,
});
export type UploadQueueEntry = z.infer<typeof UploadQueueEntry>;

/** `GET /api/v1/uploads?state=`: the queue, newest first. */
export const UploadList = z.object({ uploads: z.array(UploadQueueEntry) });
export type UploadList = z.infer<typeof UploadList>;

/**
 * `POST /api/v1/storage/test`: checks a custom storage setting without saving it: the
 * credential opens on this server, the login works, and the account can write to the folder
 * (a probe file is written and deleted).
 *
 * @example
 * await api.testStorage({ url: 'sftp://rec@files:22/in', authentication: 'password', credential: cms });
 */
export const StorageTestRequest = z.strictObject(CustomStorage.shape);
export type StorageTestRequest = z.infer<typeof StorageTestRequest>;

/**
 * The answer of a successful storage test, which uploads a probe file exactly as recordings are
 * uploaded (month folder, `.part`, verification, rename) and deletes it; a failure is an error
 * body saying what to fix.
 */
export const StorageTestResult = z.object({
  ok: z.literal(true),
  target: z.string(),
  /** The folder the probe went to: the month folder, or the storage folder when it may not be created. */
  folder: z.string(),
  verification: UploadVerification,
  /** What uploads will do differently from the usual (no month folder, probe not deleted). */
  notices: z.array(z.string()),
  /** All of the above as one sentence for people. */
  message: z.string(),
});
export type StorageTestResult = z.infer<typeof StorageTestResult>;
