import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditLog } from '../audit/audit-log.js';
import { repeat, type Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';

const DAY_MS = 86_400_000;
const SWEEP_EVERY_MS = 3_600_000;

/** What the retention sweep needs. */
export interface LocalRetentionDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  recordingsDir: string;
  /** Days a recording stays on the Tether server after its upload was confirmed; undefined: forever. */
  keepLocalDays: number | undefined;
}

/**
 * The retention of local copies: a recording stays on the Tether server until the target
 * confirmed it (verified by SHA-256 read-back, or by size where the account may not read), and
 * then `keepLocalDays` more; after that the local copy and its hash chain are removed and the
 * removal is audited. Never anything that was not confirmed uploaded.
 *
 * @example
 * const retention = startLocalRetention({ store, clock, log, audit, recordingsDir, keepLocalDays: 30 });
 */
export function startLocalRetention(deps: LocalRetentionDeps): {
  sweep(): Promise<number>;
  /** Stops sweeping; resolves once a sweep in progress has finished. */
  stop(): Promise<void>;
} {
  let sweeping: Promise<number> | undefined;
  const sweepOnce = async (): Promise<number> => {
    if (deps.keepLocalDays === undefined) return 0;
    const cutoff = deps.clock.now().getTime() - deps.keepLocalDays * DAY_MS;
    let removed = 0;
    for (const upload of await deps.store.uploads.list({ limit: 10_000, states: ['done'] })) {
      if (!upload.completedAt || upload.completedAt.getTime() > cutoff) continue;
      const recording = await deps.store.recordings.find(upload.recordingId);
      if (!recording) continue;
      const file = join(deps.recordingsDir, recording.path);
      if (
        !(await stat(file).then(
          () => true,
          () => false,
        ))
      )
        continue;
      await rm(`${file}.chain`, { force: true });
      await rm(file, { force: true });
      removed += 1;
      await deps.audit.record({
        action: 'recording.local_removed',
        actor: 'system',
        target: recording.deviceId,
        details: {
          recordingId: recording.id,
          remotePath: upload.remotePath,
          keepLocalDays: deps.keepLocalDays,
        },
      });
    }
    if (removed > 0) deps.log.info({ removed }, 'removed local copies of uploaded recordings');
    return removed;
  };
  const sweep = (): Promise<number> => {
    sweeping ??= sweepOnce()
      .catch((error: unknown) => {
        deps.log.error({ err: error }, 'recording retention sweep failed');
        return 0;
      })
      .finally(() => (sweeping = undefined));
    return sweeping;
  };
  // sweep() catches and logs its own failures (above), so these calls cannot reject.
  const sweepInBackground = (): void => void sweep().catch(() => undefined);
  const stopSweeping = repeat(deps.clock, sweepInBackground, SWEEP_EVERY_MS);
  if (deps.keepLocalDays !== undefined) sweepInBackground();
  return {
    sweep,
    async stop() {
      stopSweeping();
      await sweeping;
    },
  };
}
