import { repeat, type Clock } from '../clock.js';
import type { AgentChannel } from '../devices/agent-channel.js';
import type { Logger } from '../logging.js';

/** Unauthenticated connections get this long to finish the handshake. */
const HANDSHAKE_TIMEOUT_MS = 15_000;

/**
 * One timer for all connections (not one per agent, which would cost memory at fleet scale):
 * closes channels stuck in the handshake or silent for three heartbeats, re-reads the trusted
 * networks the headless CLI may have changed, and runs housekeeping that is due.
 */
export function startChannelSweeper(deps: {
  channels: Set<AgentChannel>;
  clock: Clock;
  heartbeatSec: number;
  refreshTrusted(): Promise<void>;
  /** Housekeeping that decides by the clock whether it is due (audit retention). */
  sweepIfDue(): Promise<void>;
  log: Logger;
}): { stop(): void } {
  const stop = repeat(
    deps.clock,
    () => {
      const now = deps.clock.now().getTime();
      for (const channel of deps.channels) {
        if (!channel.isAuthenticated && now - channel.openedAt > HANDSHAKE_TIMEOUT_MS) {
          channel.close(4408, 'Authentication did not complete in time.');
        } else if (
          channel.isAuthenticated &&
          now - channel.lastActivity > 3 * deps.heartbeatSec * 1000
        ) {
          channel.close(4408, 'No heartbeat from the agent.');
        }
      }
      deps
        .refreshTrusted()
        .catch((error: unknown) =>
          deps.log.error({ err: error }, 'cannot reload trusted networks'),
        );
      deps
        .sweepIfDue()
        .catch((error: unknown) => deps.log.error({ err: error }, 'audit retention sweep failed'));
    },
    5000,
  );
  return { stop };
}
