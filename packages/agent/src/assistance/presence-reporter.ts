import type { AgentMessage, UserPresenceReport } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import { repeat, type CancelTimer, type Clock } from '../clock.js';
import type { UserPresence } from './user-presence.js';

/** How often the agent looks for a user by default. */
export const DEFAULT_PRESENCE_CHECK_MS = 5000;

/**
 * Reports whether a user is at the device: once when a connection is welcomed, then
 * whenever the answer changes. Returns the function that stops it.
 *
 * @example
 * stopPresence = startPresenceReporter({ clock, presence, send: connection.send, log, intervalMs });
 */
export function startPresenceReporter(options: {
  clock: Clock;
  presence: UserPresence;
  send: (message: AgentMessage) => void;
  log: Logger;
  intervalMs: number;
}): CancelTimer {
  let last: string | undefined;
  let isStopped = false;
  let isChecking = false;
  const check = async (): Promise<void> => {
    if (isChecking) return;
    isChecking = true;
    try {
      const presence: UserPresenceReport = await options.presence();
      const text = JSON.stringify(presence);
      if (isStopped || text === last) return;
      last = text;
      options.send({ type: 'presence', presence });
    } catch (error) {
      options.log.warn({ err: error }, 'cannot tell whether a user is at the device');
    } finally {
      isChecking = false;
    }
  };
  void check();
  const cancel = repeat(options.clock, () => void check(), options.intervalMs);
  return () => {
    isStopped = true;
    cancel();
  };
}
