import type { DeviceStats } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import { isDatabaseUnavailable } from '../store/index.js';
import type { Store } from '../store/store.js';
import type { DeviceEvents } from './device-events.js';

/**
 * At most this many statistics samples are being written per store at once. Every agent of a
 * reconnect storm sends a sample as it connects; waiting in the database pool's queue, those
 * writes would hold back the agents' own connection steps behind them (with PostgreSQL each
 * then failed as "database unavailable" and the agent reconnected). A sample over the limit is
 * dropped: the agent's next one replaces it.
 */
export const MAX_STATS_WRITES = 4;
const writesInFlight = new WeakMap<Store, number>();

/** Stores one agent connection's statistics samples and announces them (`stats` events). */
export interface StatsReporter {
  /** Stores a sample, then announces it unless the connection has closed meanwhile. */
  report(stats: DeviceStats): Promise<void>;
  /** The connection closed: samples still being stored are no longer announced. */
  dispose(): void;
}

/**
 * Made when an agent connection is ready, disposed when it closes: a sample from a connection
 * that is gone (or was replaced by a newer one) never reaches the console's live view. Samples
 * over {@link MAX_STATS_WRITES} in flight are dropped.
 *
 * @example
 * const stats = createStatsReporter({ deviceId, store, clock, events, log });
 * await stats.report(message.stats);
 * stats.dispose();
 */
export function createStatsReporter(deps: {
  deviceId: string;
  store: Store;
  clock: Clock;
  events: DeviceEvents;
  log: Logger;
}): StatsReporter {
  let isDisposed = false;
  return {
    async report(stats) {
      const busy = writesInFlight.get(deps.store) ?? 0;
      if (busy >= MAX_STATS_WRITES) return;
      writesInFlight.set(deps.store, busy + 1);
      try {
        await deps.store.devices.updateStats(deps.deviceId, stats, deps.clock.now());
      } catch (error) {
        // A sample the database cannot take now is dropped (the next one replaces it): closing
        // the channel would turn a database outage into every agent reconnecting, backing off,
        // and coming back up to 30 s after the database did.
        if (!isDatabaseUnavailable(error)) throw error;
        deps.log.warn(
          { deviceId: deps.deviceId },
          'statistics dropped: the database is unavailable',
        );
        return;
      } finally {
        writesInFlight.set(deps.store, (writesInFlight.get(deps.store) ?? 1) - 1);
      }
      if (!isDisposed) deps.events.emit({ type: 'stats', deviceId: deps.deviceId, stats });
    },
    dispose() {
      isDisposed = true;
    },
  };
}
