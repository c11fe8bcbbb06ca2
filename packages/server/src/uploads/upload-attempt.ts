import { access } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError, repeat } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Notifications } from '../ports/notifications.js';
import { storageFailingNotice } from '../notifications/notices.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { PolicyService } from '../policies/policy-service.js';
import { chainFileOf } from '../recordings/index.js';
import { type StorageConnector, uploadFiles, type UploadFile } from '../storage/index.js';
import type { Store } from '../store/store.js';
import type { UploadLease, UploadRecord } from '../store/upload-repository.js';
import { retryDelayMs, type RetryPolicy } from './backoff.js';
import { storageFor } from './upload-storage.js';

/** What one upload attempt needs. */
export interface UploadAttemptDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  policies: PolicyService;
  connector: StorageConnector;
  recordingsDir: string;
  retry: RetryPolicy;
  random: () => number;
  /** True once the server is stopping: an attempt cut short then stays `uploading` until the next start. */
  isStopping: () => boolean;
  /** The target confirmed a recording (the local retention may now apply). */
  onUploaded?: (recordingId: string) => void;
  /** Told when an upload keeps failing (`storage.failing`). */
  notifications?: Notifications;
  /**
   * The node claiming uploads, and how long its claim holds without a renewal. In a
   * cluster each node keeps the recordings it relayed on its own disk, so it claims only those.
   */
  claims: { nodeId: string; leaseMs: number; isClustered: boolean };
}

/** What became of an attempt: `elsewhere`, another node holds the recording (cluster mode). */
export type AttemptOutcome = 'attempted' | 'elsewhere';

/** Failed attempts of one upload after which it counts as failing persistently (S-7). */
export const PERSISTENT_FAILURES = 3;

/**
 * One attempt at shipping a queued recording: claims the row, takes the storage it was queued
 * for (with a credential or host key corrected since, see `storageFor`; never another target),
 * uploads the recording and its hash-chain sidecar, and records the outcome and how the copy
 * was verified. A failure is stored with its reason and the
 * next attempt time, logged and audited; the local files are never touched.
 * `track` receives a function that aborts the attempt (the server is stopping).
 */
export async function attemptUpload(
  deps: UploadAttemptDeps,
  row: UploadRecord,
  track: (abort: (() => void) | undefined) => void,
): Promise<AttemptOutcome> {
  if (deps.claims.isClustered && !(await holdsRecording(deps, row.recordingId))) return 'elsewhere';
  const storage = await storageFor(deps, row);
  const lease = (): UploadLease => ({
    by: deps.claims.nodeId,
    until: new Date(deps.clock.now().getTime() + deps.claims.leaseMs),
  });
  if (!(await deps.store.uploads.claim(row.recordingId, { at: deps.clock.now(), lease: lease() })))
    return 'attempted';
  // The claim is renewed while the upload runs; a node that dies stops renewing, and another
  // node takes the upload over once the lease ran out.
  const stopRenewing = repeat(
    deps.clock,
    () => {
      deps.store.uploads
        .renew(row.recordingId, lease())
        .catch((error: unknown) =>
          deps.log.warn({ err: error, recordingId: row.recordingId }, 'cannot renew upload claim'),
        );
    },
    deps.claims.leaseMs / 3,
  );
  try {
    await uploadClaimed(deps, { row, storage, track });
  } finally {
    stopRenewing();
  }
  return 'attempted';
}

/** Whether this node's recordings folder has the recording's file. */
async function holdsRecording(deps: UploadAttemptDeps, recordingId: string): Promise<boolean> {
  const recording = await deps.store.recordings.find(recordingId);
  if (!recording) return true; // The attempt records that it no longer exists.
  return access(join(deps.recordingsDir, recording.path)).then(
    () => true,
    () => false,
  );
}

/** The upload of a claimed row, through to its recorded outcome. */
async function uploadClaimed(
  deps: UploadAttemptDeps,
  claimed: {
    row: UploadRecord;
    storage: Awaited<ReturnType<typeof storageFor>>;
    track: (abort: (() => void) | undefined) => void;
  },
): Promise<void> {
  const { row, storage, track } = claimed;
  const { target } = row;
  const attempt = row.attempts + 1;
  try {
    if (!storage) {
      throw new AppError(
        'UNAVAILABLE',
        `This recording was queued for ${target} by an earlier version of Tether, which did not keep the storage setting with the upload, and no policy names ${target} any more. Put that storage back in a policy to upload it; the recording stays on the Tether server meanwhile.`,
      );
    }
    const recording = await deps.store.recordings.find(row.recordingId);
    if (!recording)
      throw new AppError('NOT_FOUND', 'The recording no longer exists on the Tether server.');
    const local = join(deps.recordingsDir, recording.path);
    const files = await localFiles(local, recording.id);
    const { session, target: parsed } = await deps.connector.connect(storage);
    track(() => session.close());
    try {
      const result = await uploadFiles(session, {
        folder: parsed.path,
        subfolder: recording.startedAt.toISOString().slice(0, 7),
        files,
      });
      const cast = result.files[result.files.length - 1];
      if (!cast) throw new AppError('INTERNAL', 'Nothing was uploaded.');
      const { verification, notices } = result;
      await deps.store.uploads.complete(row.recordingId, {
        at: deps.clock.now(),
        by: deps.claims.nodeId,
        remotePath: cast.remotePath,
        sha256: cast.sha256,
        verification,
        notice: notices.length > 0 ? notices.join(' ') : null,
      });
      deps.log.info(
        {
          recordingId: row.recordingId,
          target,
          remotePath: cast.remotePath,
          attempt,
          verification,
        },
        'recording uploaded',
      );
      for (const notice of notices) deps.log.warn({ recordingId: row.recordingId, target }, notice);
      await deps.audit.record({
        action: 'upload.completed',
        actor: 'system',
        target: row.deviceId,
        details: {
          recordingId: row.recordingId,
          target,
          remotePath: cast.remotePath,
          sha256: cast.sha256,
          verification,
          notices,
          attempts: attempt,
          alreadyThere: cast.alreadyThere,
        },
      });
      deps.onUploaded?.(row.recordingId);
    } finally {
      track(undefined);
      session.close();
    }
  } catch (error) {
    if (deps.isStopping()) return;
    await recordFailure(deps, { row, target, attempt, error });
  }
}

/**
 * The recording and its hash-chain sidecar, named `<recording-id><extension>` on the target
 * with the extension of the local file (each session kind has its own format).
 */
async function localFiles(cast: string, recordingId: string): Promise<UploadFile[]> {
  try {
    await access(cast);
  } catch {
    throw new AppError(
      'NOT_FOUND',
      `The recording file ${cast} is missing on the Tether server, so it cannot be uploaded. Restore it from a backup.`,
    );
  }
  const files: UploadFile[] = [];
  const chain = chainFileOf(cast);
  // The sidecar first and the recording last: the recording on the target means both arrived.
  const local = basename(cast);
  const name = `${recordingId}${local.slice(local.indexOf('.'))}`;
  if (
    await access(chain).then(
      () => true,
      () => false,
    )
  )
    files.push({ localPath: chain, remoteName: `${name}${chain.slice(cast.length)}` });
  files.push({ localPath: cast, remoteName: name });
  return files;
}

async function recordFailure(
  deps: UploadAttemptDeps,
  failure: { row: UploadRecord; target: string; attempt: number; error: unknown },
): Promise<void> {
  const { row, target, attempt, error } = failure;
  const reason =
    error instanceof AppError
      ? error.message
      : 'The upload failed unexpectedly; see the server log.';
  const nextAttemptAt = new Date(
    deps.clock.now().getTime() + retryDelayMs(deps.retry, attempt, deps.random),
  );
  await deps.store.uploads.fail(row.recordingId, {
    at: deps.clock.now(),
    by: deps.claims.nodeId,
    error: reason,
    nextAttemptAt,
  });
  deps.log.warn(
    {
      recordingId: row.recordingId,
      target,
      attempt,
      reason,
      nextAttemptAt,
      ...(error instanceof AppError ? {} : { err: error }),
    },
    'recording upload failed',
  );
  if (attempt === PERSISTENT_FAILURES)
    deps.notifications?.notify(
      storageFailingNotice({ target, recordingId: row.recordingId, attempts: attempt, reason }),
    );
  // The first failure, and each new reason, go to the audit log; repeats of the same do not.
  if (attempt === 1 || reason !== row.lastError) {
    await deps.audit.record({
      action: 'upload.failed',
      actor: 'system',
      target: row.deviceId,
      details: {
        recordingId: row.recordingId,
        target,
        attempt,
        reason,
        nextAttemptAt: nextAttemptAt.toISOString(),
      },
    });
  }
}
