import type { AuditLog } from '../audit/audit-log.js';
import type { Notifications } from '../ports/notifications.js';
import type { CancelTimer, Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { PolicyService } from '../policies/policy-service.js';
import {
  createStorageConnector,
  type CertificateFolders,
  type StorageConnector,
} from '../storage/index.js';
import type { Store } from '../store/store.js';
import { attemptUpload, type UploadAttemptDeps } from './upload-attempt.js';
import { targetOf } from './upload-storage.js';

/** Ships finished recordings to the storage their policy names. */
export interface UploadQueue {
  /** Called once per recording when it is complete (or interrupted) on local disk. */
  /**
   * Queues a recording made under a custom storage policy; idempotent. Called when it starts
   * (the upload then waits until the recording is finished) and again when it finishes.
   */
  onRecordingStarted(recordingId: string): Promise<void>;
  onRecordingFinished(recordingId: string): Promise<void>;
  /** A waiting upload is tried now instead of at its next attempt time. False if none waits. */
  retryNow(recordingId: string): Promise<boolean>;
  /**
   * Resumes the queue: uploads a crash interrupted go back to `pending`. `node` claims the
   * uploads (X-3): its claims are leases it renews while uploading; in a cluster a start
   * resumes only its own interrupted uploads, others' are taken over once their lease ran out.
   */
  start(node?: QueueNode): void;
  /** Stops scheduling and cuts the upload in flight short (it resumes at the next start). */
  stop(): Promise<void>;
}

/** The node a queue runs on. */
export interface QueueNode {
  id: string;
  isClustered: boolean;
}

/** What the queue needs. */
export interface UploadQueueDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  policies: PolicyService;
  recordingsDir: string;
  /** Certificate folders and retry timing (`storage` in the server configuration). */
  storage: CertificateFolders & { retryBaseSec: number; retryMaxSec: number };
  /** Opens SFTP sessions; by default one over `storage`'s certificate folders. */
  connector?: StorageConnector;
  /** Jitter source, in [0, 1). */
  random?: () => number;
  /** The target confirmed a recording (the local retention may now apply). */
  onUploaded?: (recordingId: string) => void;
  /** Told when uploads keep failing (`storage.failing`). */
  notifications?: Notifications;
  /** How long a claim holds without a renewal (default 30 s). */
  claimLeaseMs?: number;
}

/** Longest a Node timer can wait. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const BATCH = 20;
/** How long `stop()` waits for the upload in flight to wind down. */
const STOP_WAIT_MS = 5_000;
const CLAIM_LEASE_MS = 30_000;

/**
 * The persistent upload queue: rows in the store, one upload at a time, each verified on the
 * target before it counts as done, failures retried with backoff and jitter; the queue picks
 * up where it was after a restart. Local recordings are never deleted here (see local-retention.ts).
 *
 * @example
 * const uploads = createUploadQueue({ store, clock, log, audit, policies, recordingsDir, storage: config.storage });
 * uploads.start();
 */
export function createUploadQueue(deps: UploadQueueDeps): UploadQueue {
  let node: QueueNode = { id: 'local', isClustered: false };
  let isStarted = false;
  let starting: Promise<void> | undefined;
  let isStopping = false;
  let running: Promise<void> | undefined;
  let runAgain = false;
  let cancelTimer: CancelTimer | undefined;
  let abortCurrent: (() => void) | undefined;
  const attemptDeps: UploadAttemptDeps = {
    ...deps,
    connector: deps.connector ?? createStorageConnector({ folders: deps.storage }),
    retry: { baseMs: deps.storage.retryBaseSec * 1000, maxMs: deps.storage.retryMaxSec * 1000 },
    random: deps.random ?? Math.random,
    isStopping: () => isStopping,
    claims: {
      get nodeId() {
        return node.id;
      },
      leaseMs: deps.claimLeaseMs ?? CLAIM_LEASE_MS,
      get isClustered() {
        return node.isClustered;
      },
    },
  };
  /** Due uploads another node holds the recording of (cluster mode): looked at again later. */
  const elsewhere = new Set<string>();

  const drain = async (): Promise<void> => {
    elsewhere.clear();
    for (;;) {
      const listed = await deps.store.uploads.listDue(deps.clock.now(), BATCH + elsewhere.size);
      const due = listed.filter((row) => !elsewhere.has(row.recordingId));
      if (due.length === 0) return;
      for (const row of due) {
        if (isStopping) return;
        const outcome = await attemptUpload(attemptDeps, row, (abort) => (abortCurrent = abort));
        if (outcome === 'elsewhere') elsewhere.add(row.recordingId);
      }
    }
  };
  const schedule = async (): Promise<void> => {
    const next = await deps.store.uploads.nextDueAt();
    if (!next || isStopping) return;
    cancelTimer?.();
    // Due uploads of other nodes' recordings stay due: look again after a lease, not at once.
    const earliest =
      elsewhere.size > 0 ? deps.clock.now().getTime() + attemptDeps.claims.leaseMs : 0;
    const nextAt = Math.max(next.getTime(), earliest);
    const waitMs = Math.min(Math.max(nextAt - deps.clock.now().getTime(), 0), MAX_TIMER_MS);
    cancelTimer = deps.clock.setTimer(kick, waitMs);
  };
  function kick(): void {
    if (!isStarted || isStopping) return;
    if (running) {
      runAgain = true;
      return;
    }
    running = (async () => {
      try {
        const shouldRunAgain = (): boolean => runAgain && !isStopping;
        do {
          runAgain = false;
          await drain();
        } while (shouldRunAgain());
        await schedule();
      } catch (error) {
        if (attemptDeps.isStopping()) return;
        deps.log.error({ err: error }, 'upload queue stalled; it retries in a minute');
        cancelTimer?.();
        cancelTimer = deps.clock.setTimer(kick, 60_000);
      } finally {
        running = undefined;
      }
    })();
  }

  /**
   * Queues the recording when its device's policy has custom storage, keeping that storage
   * setting with the entry: the recording goes there, whatever the policy says later. Idempotent.
   */
  async function enqueue(recordingId: string): Promise<void> {
    const recording = await deps.store.recordings.find(recordingId);
    if (!recording) return;
    const storage = (await deps.policies.effectiveFor(recording.deviceId)).customStorage;
    if (!storage) return;
    const target = targetOf(storage);
    const queued = await deps.store.uploads.enqueue({
      recordingId,
      deviceId: recording.deviceId,
      target,
      storage,
      at: deps.clock.now(),
    });
    if (queued)
      deps.log.info(
        { recordingId, deviceId: recording.deviceId, target },
        'recording queued for upload',
      );
  }

  return {
    async onRecordingStarted(recordingId) {
      await enqueue(recordingId);
    },
    async onRecordingFinished(recordingId) {
      await enqueue(recordingId);
      kick();
    },
    async retryNow(recordingId) {
      const waiting = await deps.store.uploads.retryNow(recordingId, deps.clock.now());
      if (waiting) kick();
      return waiting;
    },
    start(startAs) {
      if (isStarted) return;
      isStarted = true;
      if (startAs) node = startAs;
      starting = deps.store.uploads
        .resetInterrupted(deps.clock.now(), node.isClustered ? { onlyOf: node.id } : {})
        .then((count) => {
          if (count > 0)
            deps.log.warn({ uploads: count }, 'resuming uploads the previous run left unfinished');
          kick();
        })
        .catch((error: unknown) =>
          deps.log.error({ err: error }, 'cannot resume the upload queue'),
        );
    },
    async stop() {
      isStopping = true;
      await starting;
      cancelTimer?.();
      abortCurrent?.();
      // Closing the session ends the attempt at once; the bound guards against a stuck stream.
      let cancelBound: CancelTimer | undefined;
      await Promise.race([
        running,
        new Promise<void>((resolve) => (cancelBound = deps.clock.setTimer(resolve, STOP_WAIT_MS))),
      ]);
      cancelBound?.();
    },
  };
}
