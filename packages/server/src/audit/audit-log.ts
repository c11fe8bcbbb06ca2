import type { AuditAction } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';

/** What callers say about an event; time and id are added here. */
export interface AuditEvent {
  action: AuditAction;
  actor: string;
  target?: string | null;
  sourceAddress?: string | null;
  details?: Record<string, unknown>;
}

/** Appends security-relevant events. Details must never hold a secret. */
export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}

export function createAuditLog(deps: { store: Store; clock: Clock; log: Logger }): AuditLog {
  return {
    async record(event) {
      await deps.store.audit.append({
        at: deps.clock.now(),
        action: event.action,
        actor: event.actor,
        target: event.target ?? null,
        sourceAddress: event.sourceAddress ?? null,
        details: event.details ?? {},
      });
      deps.log.info({ audit: event.action, actor: event.actor, target: event.target }, 'audit');
    },
  };
}
