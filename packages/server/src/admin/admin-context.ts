import type { ListenerStatus } from '@tether/protocol';

/**
 * What only the admin listener knows about the running server, for its routes besides the
 * server context: `(app, context, admin) => void`. A route function that needs the context
 * alone (`(app, context) => void`) fits the same list.
 */
export interface AdminListener {
  startedAt: Date;
  /** Both listeners as bound (or not) at start. */
  listeners(): ListenerStatus[];
  /** Re-reads the trusted networks at once, after a change. */
  refreshTrusted(): Promise<void>;
}
