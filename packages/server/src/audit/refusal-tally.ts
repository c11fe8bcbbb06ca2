import type { Clock } from '../clock.js';
import type { AuditEvent } from './audit-event.js';

/** Sources tracked at once; beyond this, refusals of a kind share one tally (memory stays flat). */
const MAX_TALLIES = 10_000;

interface Tally {
  action: AuditEvent['action'];
  sourceAddress: string | null;
  firstAt: number;
  /** Refusals after the first, not yet written. */
  count: number;
}

/**
 * Aggregates refusals per source and kind: one client hammering a refused endpoint wrote one
 * audit row per refusal (≈900 rows/s). The first refusal of a source and kind in a window is
 * written in full; the rest are counted, and a `refusals.summary` row with the count is written
 * when the window ends (from `flushDue`, the next refusal, or `flushAll` at shutdown).
 *
 * @example
 * const tally = createRefusalTally({ clock, windowMs: 60_000, write: (event) => log.record(event) });
 * await tally.refused({ action: 'relay.refused', actor: address, sourceAddress: address });
 */
export function createRefusalTally(deps: {
  clock: Clock;
  windowMs: number;
  write(event: AuditEvent): Promise<void>;
}): {
  refused(event: AuditEvent): Promise<void>;
  flushDue(): Promise<void>;
  flushAll(): Promise<void>;
} {
  const tallies = new Map<string, Tally>();

  const summarise = async (tally: Tally, until: number): Promise<void> => {
    if (tally.count === 0) return;
    await deps.write({
      action: 'refusals.summary',
      actor: 'system',
      sourceAddress: tally.sourceAddress,
      details: {
        action: tally.action,
        count: tally.count,
        since: new Date(tally.firstAt).toISOString(),
        until: new Date(until).toISOString(),
      },
    });
  };

  const flush = async (isDue: (tally: Tally, now: number) => boolean): Promise<void> => {
    const now = deps.clock.now().getTime();
    const due = [...tallies].filter(([, tally]) => isDue(tally, now));
    for (const [key] of due) tallies.delete(key);
    await Promise.all(due.map(([, tally]) => summarise(tally, now)));
  };

  return {
    async refused(event) {
      const now = deps.clock.now().getTime();
      const source = event.sourceAddress ?? event.actor;
      let key = `${event.action}|${source}`;
      if (!tallies.has(key) && tallies.size >= MAX_TALLIES) key = `${event.action}|*`;
      const tally = tallies.get(key);
      if (tally && now - tally.firstAt < deps.windowMs) {
        tally.count += 1;
        return;
      }
      if (tally) {
        tallies.delete(key);
        await summarise(tally, now);
      }
      const sourceAddress = key.endsWith('|*') ? '*' : (event.sourceAddress ?? null);
      tallies.set(key, { action: event.action, sourceAddress, firstAt: now, count: 0 });
      await deps.write(event);
    },
    flushDue: () => flush((tally, now) => now - tally.firstAt >= deps.windowMs),
    flushAll: () => flush(() => true),
  };
}
