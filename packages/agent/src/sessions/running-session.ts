/**
 * A session the agent is serving, whatever its kind. Whoever starts it owns stopping it.
 *
 * @example
 * await session.stop('cancelled by the server');
 */
export interface RunningSession {
  readonly sessionId: string;
  /** Ends the session; resolves when every resource it held is released. */
  stop(reason: string): Promise<void>;
  /** Resolves when the session has ended for any reason and its resources are released. */
  readonly ended: Promise<void>;
}
