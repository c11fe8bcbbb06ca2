import type { Clock } from '../clock.js';
import type { AuditEvent } from './audit-event.js';

/** Sources tracked at once; beyond this, refusals of a kind share one tally (memory stays flat). */
const MAX_TALLIES = 10_000;

/**
 * How refusals are grouped beyond action and source. Both must come from a small set the server
 * chooses, never from the request: every distinct group costs one full row per window.
 */
export interface TallyGroup {
  /** Why, as a short fixed label (`rate limited`, `requestcontrol TOKEN_INVALID`). */
  reason?: string;
  /** Keep the event's target apart (a device the server knows), so each shows up promptly. */
  isPerTarget?: boolean;
}

interface Tally {
  action: AuditEvent['action'];
  sourceAddress: string | null;
  target: string | null;
  reason: string | undefined;
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
 * await tally.refused(signInEvent, { reason: 'rate limited' });
 */
export function createRefusalTally(deps: {
  clock: Clock;
  windowMs: number;
  write(event: AuditEvent): Promise<void>;
}): {
  refused(event: AuditEvent, group?: TallyGroup): Promise<void>;
  flushDue(): Promise<void>;
  flushAll(): Promise<void>;
} {
  const tallies = new Map<string, Tally>();

  const summarise = async (tally: Tally, until: number): Promise<void> => {
    if (tally.count === 0) return;
    await deps.write({
      action: 'refusals.summary',
      actor: 'system',
      target: tally.target,
      sourceAddress: tally.sourceAddress,
      details: {
        action: tally.action,
        ...(tally.reason === undefined ? {} : { reason: tally.reason }),
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
    async refused(event, group = {}) {
      const now = deps.clock.now().getTime();
      const source = event.sourceAddress ?? event.actor;
      const target = group.isPerTarget ? (event.target ?? null) : null;
      const kind = `${event.action}|${group.reason ?? ''}|${target ?? ''}`;
      let key = `${kind}|${source}`;
      const isOverflow = !tallies.has(key) && tallies.size >= MAX_TALLIES;
      if (isOverflow) key = `${event.action}|*`;
      const tally = tallies.get(key);
      if (tally && now - tally.firstAt < deps.windowMs) {
        tally.count += 1;
        return;
      }
      if (tally) {
        tallies.delete(key);
        await summarise(tally, now);
      }
      tallies.set(key, {
        action: event.action,
        sourceAddress: isOverflow ? '*' : (event.sourceAddress ?? null),
        target: isOverflow ? null : target,
        reason: isOverflow ? undefined : group.reason,
        firstAt: now,
        count: 0,
      });
      await deps.write(event);
    },
    flushDue: () => flush((tally, now) => now - tally.firstAt >= deps.windowMs),
    flushAll: () => flush(() => true),
  };
}
