import type { AuditAction } from '@tether/protocol';

/** What callers say about an event; time and id are added here. */
export interface AuditEvent {
  action: AuditAction;
  actor: string;
  target?: string | null;
  sourceAddress?: string | null;
  details?: Record<string, unknown>;
  /**
   * The device the event is about, when the caller holds its record: written as is instead of
   * being read again (an agent's connection would otherwise read its device row a third time).
   */
  device?: { id: string; name: string };
}
