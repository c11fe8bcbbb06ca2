import type { AuditEvent } from './audit-event.js';
import { repeat, type Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { AuditRecord, Store } from '../store/store.js';
import { turnBatch } from '../store/turn-batch.js';
import { auditSubjects } from './audit-subjects.js';
import { createRefusalTally, type TallyGroup } from './refusal-tally.js';

// Callers name the event with the log that records it.
export type { AuditEvent } from './audit-event.js';

/** Appends security-relevant events. Details must never hold a secret. */
export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
  /**
   * Records a refusal, aggregated per source and kind (action, and `group` when given): the
   * first in a minute in full, then one `refusals.summary` row with how many more there were.
   * An attacker's flood so costs a bounded number of rows, and the first is still seen at once.
   */
  refused(event: AuditEvent, group?: TallyGroup): Promise<void>;
  /** Writes pending refusal summaries and stops the summary timer (shutdown, before the store). */
  close(): Promise<void>;
}

/** Refusals of one kind from one source within this window share one summary row. */
export const REFUSAL_WINDOW_MS = 60_000;

export function createAuditLog(deps: { store: Store; clock: Clock; log: Logger }): AuditLog {
  // A storm of agent connections writes its `device.connected` rows a few hundred at a time.
  const append = turnBatch(async (entries: readonly Omit<AuditRecord, 'id'>[]) => {
    await deps.store.audit.append(entries);
    return entries.map(() => undefined);
  });
  const record = async (event: AuditEvent): Promise<void> => {
    await append({
      at: deps.clock.now(),
      action: event.action,
      actor: event.actor,
      target: event.target ?? null,
      sourceAddress: event.sourceAddress ?? null,
      details: event.details ?? {},
      subjects: await auditSubjects(deps.store, event),
    });
    deps.log.info({ audit: event.action, actor: event.actor, target: event.target }, 'audit');
  };
  const tally = createRefusalTally({
    clock: deps.clock,
    windowMs: REFUSAL_WINDOW_MS,
    write: record,
  });
  // The clock decides when a window is over; this timer only looks now and then.
  const stopFlushing = repeat(
    deps.clock,
    () => {
      tally.flushDue().catch((error: unknown) => deps.log.error({ err: error }, 'audit failed'));
    },
    5000,
  );
  return {
    record,
    refused: (event, group) => tally.refused(event, group),
    async close() {
      stopFlushing();
      await tally.flushAll();
    },
  };
}
