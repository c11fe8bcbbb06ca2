import type { AuditAction } from '@tether/protocol';

/** What callers say about an event; time and id are added here. */
export interface AuditEvent {
  action: AuditAction;
  actor: string;
  target?: string | null;
  sourceAddress?: string | null;
  details?: Record<string, unknown>;
}
