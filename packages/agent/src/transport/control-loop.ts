import type { Logger } from '../logging.js';
import type { CancelTimer, Clock } from '../clock.js';
import type { Backoff } from './backoff.js';
import type { ControlConnection } from './control-connection.js';

/** A running control loop; see {@link startControlLoop}. */
export interface ControlLoop {
  /** Closes the current connection and stops reconnecting. */
  stop(): Promise<void>;
}

/**
 * Keeps one control channel open for as long as the agent runs: after any close (network
 * failure, server restart, identity mismatch) it waits a backoff delay with full jitter and
 * opens a new one. Backoff is reset only once the server has authenticated the agent, so a
 * server that accepts TCP but refuses the handshake is retried ever more slowly. A server that
 * admits agents at a limited rate and says when to come back is taken at its word
 * (with a little jitter) instead: it is healthy, just busy with the rest of the fleet.
 *
 * @example
 * const loop = startControlLoop({ clock, backoff, log, openConnection, onConnectionChange });
 * await loop.stop();
 */
export function startControlLoop(options: {
  clock: Clock;
  backoff: Backoff;
  log: Logger;
  /** Opens one connection; it must call `onAuthenticated` when the server welcomes the agent. */
  openConnection: (onAuthenticated: () => void) => ControlConnection;
  onConnectionChange: (isConnected: boolean) => void;
}): ControlLoop {
  const { clock, backoff, log } = options;
  let current: ControlConnection | undefined;
  let cancelRetry: CancelTimer | undefined;
  let isStopped = false;

  const connect = (): void => {
    cancelRetry = undefined;
    if (isStopped) return;
    const connection = options.openConnection(() => {
      backoff.reset();
      options.onConnectionChange(true);
    });
    current = connection;
    void connection.closed.then(({ code, reason, wasWelcomed, retryAfterMs }) => {
      current = undefined;
      if (wasWelcomed) options.onConnectionChange(false);
      if (isStopped) return;
      if (retryAfterMs !== undefined) {
        const delayMs = backoff.deferredDelayMs(retryAfterMs);
        log.info(
          { delayMs },
          'the server is admitting other agents first (connection admission); connecting again when it said',
        );
        cancelRetry = clock.setTimer(connect, delayMs);
        return;
      }
      const delayMs = backoff.nextDelayMs();
      log.info(
        { code, reason, delayMs, attempt: backoff.attempts },
        'control channel closed; reconnecting after a delay',
      );
      cancelRetry = clock.setTimer(connect, delayMs);
    });
  };
  connect();

  return {
    async stop() {
      isStopped = true;
      cancelRetry?.();
      const connection = current;
      if (!connection) return;
      connection.close(1001, 'agent stopping');
      await connection.closed;
    },
  };
}
