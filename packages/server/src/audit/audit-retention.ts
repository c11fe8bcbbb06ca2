import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import type { AuditLog } from './audit-log.js';

const DAY_MS = 86_400_000;
/** Retention is checked at most this often (by the injected clock). */
const SWEEP_EVERY_MS = 3_600_000;

/**
 * The audit log's retention (`audit.retentionDays`): rows older than that are deleted, and the
 * deletion itself is audited. The server's sweeper calls `sweepIfDue` on every tick; the clock
 * decides whether an hour has passed, so an injected clock drives it in tests.
 *
 * @example
 * const retention = createAuditRetention({ store, audit, clock, log, retentionDays: 365 });
 * await retention.sweepIfDue();
 */
export function createAuditRetention(deps: {
  store: Store;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  retentionDays: number;
}): {
  sweepIfDue(): Promise<void>;
  /** Deletes what is due now; returns how many rows were deleted. */
  sweep(): Promise<number>;
  /** Resolves once a sweep in progress has finished (shutdown, before the store closes). */
  stop(): Promise<void>;
} {
  let lastSweep = Number.NEGATIVE_INFINITY;
  let sweeping: Promise<number> | undefined;
  let isStopped = false;

  const sweepOnce = async (): Promise<number> => {
    const now = deps.clock.now();
    const cutoff = new Date(now.getTime() - deps.retentionDays * DAY_MS);
    const deleted = await deps.store.audit.deleteBefore(cutoff);
    if (deleted > 0)
      await deps.audit.record({
        action: 'audit.pruned',
        actor: 'system',
        details: { deleted, before: cutoff.toISOString(), retentionDays: deps.retentionDays },
      });
    return deleted;
  };
  const sweep = (): Promise<number> => {
    sweeping ??= sweepOnce().finally(() => (sweeping = undefined));
    return sweeping;
  };
  return {
    sweep,
    async sweepIfDue() {
      const now = deps.clock.now().getTime();
      if (isStopped || sweeping || now - lastSweep < SWEEP_EVERY_MS) return;
      lastSweep = now;
      await sweep().catch((error: unknown) =>
        deps.log.error({ err: error }, 'cannot delete old audit entries'),
      );
    },
    async stop() {
      isStopped = true;
      await sweeping?.catch(() => undefined);
    },
  };
}
