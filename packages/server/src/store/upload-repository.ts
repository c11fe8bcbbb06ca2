import type { CustomStorage, UploadState, UploadVerification } from '@tether/protocol';

/** A recording's place in the upload queue. Tables: `store/migrations/uploads.ts`. */
export interface UploadRecord {
  recordingId: string;
  deviceId: string;
  /** The storage URL (no credential). */
  target: string;
  state: UploadState;
  /** Attempts started so far. */
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  remotePath: string | null;
  sha256: string | null;
  /**
   * The storage setting in force when the recording started (credential sealed): where the
   * recording goes at every attempt. Null on rows queued by a version that did not keep it.
   */
  storage: CustomStorage | null;
  verification: UploadVerification | null;
  notice: string | null;
}

/** Which node holds an upload, and until when unless it renews the claim. */
export interface UploadLease {
  by: string;
  until: Date;
}

/** Persistence of the upload queue; every state change is one conditional UPDATE. */
export interface UploadRepository {
  /** Queues a recording as `pending`, due at `at`. Returns false when it was already queued. */
  enqueue(input: {
    recordingId: string;
    deviceId: string;
    target: string;
    storage: CustomStorage;
    at: Date;
  }): Promise<boolean>;
  find(recordingId: string): Promise<UploadRecord | undefined>;
  /** The rows of these recordings (any order); unknown ids are skipped. */
  findMany(recordingIds: string[]): Promise<UploadRecord[]>;
  /** Newest first. */
  list(options: { limit: number; states?: UploadState[] }): Promise<UploadRecord[]>;
  /**
   * `pending`/`failed` rows due at `now` whose recording is finished, oldest due first, and
   * `uploading` rows whose claim's lease ran out (their node died: another takes them over).
   */
  listDue(now: Date, limit: number): Promise<UploadRecord[]>;
  /**
   * The earliest `nextAttemptAt` of `pending`/`failed` rows whose recording is finished, or
   * lease end of an `uploading` row.
   */
  nextDueAt(): Promise<Date | undefined>;
  /**
   * `pending`/`failed`, due and recording finished (or `uploading` with its lease run out) →
   * `uploading`, one more attempt, held by `lease.by` until `lease.until` (no lease: held until
   * the next start). Returns false when the row was not in such a state (another node took it,
   * it is done, or its recording is still being made).
   */
  claim(recordingId: string, input: { at: Date; lease?: UploadLease }): Promise<boolean>;
  /** Extends the claim's lease; false when `lease.by` no longer holds the upload. */
  renew(recordingId: string, lease: UploadLease): Promise<boolean>;
  /** `uploading` → `done` (when `by` is given: only while `by` holds the claim). */
  complete(
    recordingId: string,
    input: {
      at: Date;
      by?: string;
      remotePath: string;
      sha256: string;
      verification: UploadVerification;
      notice: string | null;
    },
  ): Promise<void>;
  /** `uploading` → `failed`, retried at `nextAttemptAt` (with `by`: only while it holds it). */
  fail(
    recordingId: string,
    input: { at: Date; by?: string; error: string; nextAttemptAt: Date },
  ): Promise<void>;
  /**
   * After a crash: `uploading` rows become `pending`, due at `at`. Returns how many. With
   * `onlyOf`, only the rows that node held, rows held by no node, and rows whose lease ran out
   * (another node's live upload is left alone).
   */
  resetInterrupted(at: Date, options?: { onlyOf?: string }): Promise<number>;
  /** `pending`/`failed` → due at `at` (retry now). Returns false when there is no such row. */
  retryNow(recordingId: string, at: Date): Promise<boolean>;
}
