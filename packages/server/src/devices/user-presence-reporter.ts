import type { UserPresenceReport } from '@tether/protocol';
import type { DeviceEvents } from './device-events.js';

/** Holds whether a user is at the device, as one agent connection last reported. */
export interface UserPresenceReporter {
  /** The last report; undefined until the agent sends one. */
  readonly current: UserPresenceReport | undefined;
  /** Keeps the report and announces it (`user-presence` event) while the connection is open. */
  report(presence: UserPresenceReport): void;
  /** The connection closed: later reports are ignored. */
  dispose(): void;
}

/**
 * Made when an agent connection is ready, disposed when it closes: the report belongs to the
 * connection, so a newer connection from the same device starts without the old one's.
 *
 * @example
 * const presence = createUserPresenceReporter({ deviceId, events });
 * presence.report(message.presence);
 */
export function createUserPresenceReporter(deps: {
  deviceId: string;
  events: DeviceEvents;
}): UserPresenceReporter {
  let current: UserPresenceReport | undefined;
  let isDisposed = false;
  return {
    get current() {
      return current;
    },
    report(presence) {
      if (isDisposed) return;
      current = presence;
      deps.events.emit({ type: 'user-presence', deviceId: deps.deviceId, presence });
    },
    dispose() {
      isDisposed = true;
    },
  };
}
