import type {
  AgentSettings,
  MaintenanceSettings,
  StatisticsInForce,
  StatisticsSettings,
} from '@tether/protocol';
import type { Clock } from '../clock.js';
import { agentMaintenance, readMaintenanceSettings } from '../maintenance/maintenance-settings.js';
import { cachedRead } from '../store/cached-read.js';
import type { Store } from '../store/store.js';
import type { DevicePresence } from './device-presence.js';
import { statisticsResolver, type StatisticsResolver } from './group-statistics.js';
import { createStatisticsLoad, lengthened, SHORTEST_INTERVAL_SEC } from './statistics-load.js';

/** How long the settings read for welcomes are reused. */
const CACHE_MS = 1000;

/**
 * Agents a push sends to in one turn of the event loop: a node's whole fleet in one turn (7,500
 * messages, a TLS write each) would make a technician's request wait for all of them.
 */
const PUSH_BATCH = 250;

/** Which connected agents a settings push is for: all, one group's, or some devices. */
export interface SettingsAudience {
  group?: string;
  deviceIds?: readonly string[];
}

/** What the settings of one agent depend on. */
export interface AgentSettingsSubject {
  deviceId: string;
  group: string;
  /** The device's own maximum offline time (ephemeral: 5); null: the fleet's threshold. */
  maxOfflineMinutes: number | null;
}

interface FleetSettings {
  statistics: StatisticsResolver;
  maintenance: MaintenanceSettings;
}

/**
 * The settings each agent gets (`welcome`, then `settings` on every change): the fleet's
 * statistics, or its group's own where the group has some, with the interval lengthened
 * as this node's agents grow beyond `samplesPerSec` (see statistics-load.ts), and its own
 * deletion deadline (A-7: its maximum offline time, else the fleet's delete threshold).
 *
 * @example
 * const agentSettings = createAgentSettings({ store, presence, clock, samplesPerSec: 200 });
 * await agentSettings.push({ group: 'Kiosks' });
 */
export function createAgentSettings(deps: {
  store: Store;
  presence: DevicePresence;
  clock: Clock;
  /** Statistics samples a second this node takes from its agents at most. */
  samplesPerSec: number;
}) {
  const { store, presence, clock } = deps;
  /**
   * Read at most once a second for all welcomes: a reconnect storm admits a thousand agents a
   * second, and each would otherwise read the settings. A change through the API is pushed
   * (and read afresh); one written headless reaches the next agents within the second.
   */
  const fleet = cachedRead({
    clock,
    ttlMs: CACHE_MS,
    read: async (): Promise<FleetSettings> => {
      const [statistics, maintenance] = await Promise.all([
        statisticsResolver(store),
        readMaintenanceSettings(store),
      ]);
      shortestSec = statistics.shortestIntervalSec;
      return { statistics, maintenance };
    },
  });
  /** The shortest interval configured, as last read (the settings' own minimum until then). */
  let shortestSec = SHORTEST_INTERVAL_SEC;
  const load = createStatisticsLoad({
    samplesPerSec: deps.samplesPerSec,
    clock,
    push: (minimumSec) => push({}, minimumSec),
    changesIntervals: (previousSec, nextSec) =>
      Math.max(previousSec, shortestSec) !== Math.max(nextSec, shortestSec),
  });
  const unsubscribe = [
    presence.events.on('online', () => load.update(presence.size)),
    presence.events.on('offline', () => load.update(presence.size)),
  ];

  /**
   * Sends the settings to the connected agents of the audience (all when none is given), their
   * statistics interval lengthened to `minimumSec` (the load's now, by default).
   */
  async function push(
    audience: SettingsAudience = {},
    minimumSec = load.minimumSec,
  ): Promise<void> {
    // A few queries for the fleet, not one per agent: few devices have their own limit.
    const [{ statistics, maintenance }, ownLimits] = await Promise.all([
      fleet(true),
      store.deviceMaintenance.ownOfflineLimits(),
    ]);
    const wanted = audience.deviceIds && new Set(audience.deviceIds);
    const group = audience.group?.toLowerCase();
    const settingsOf = (deviceId: string, deviceGroup: string): AgentSettings => ({
      statistics: lengthened(statistics.of(deviceGroup), minimumSec),
      maintenance: agentMaintenance(maintenance, ownLimits.get(deviceId) ?? null),
    });
    let sent = 0;
    for (const link of presence.all()) {
      if (wanted && !wanted.has(link.deviceId)) continue;
      if (++sent % PUSH_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
      // Without group settings the whole fleet gets the same statistics: no device is read.
      if (statistics.isUniform && group === undefined) {
        link.send({ type: 'settings', settings: settingsOf(link.deviceId, '') });
        continue;
      }
      const device = await store.devices.find(link.deviceId);
      if (!device || (group !== undefined && device.group.toLowerCase() !== group)) continue;
      link.send({ type: 'settings', settings: settingsOf(link.deviceId, device.group) });
    }
  }

  return {
    async of(device: AgentSettingsSubject): Promise<AgentSettings> {
      const { statistics, maintenance } = await fleet();
      return {
        statistics: load.lengthen(statistics.of(device.group)),
        maintenance: agentMaintenance(maintenance, device.maxOfflineMinutes),
      };
    },

    push: (audience?: SettingsAudience) => push(audience),

    /** The interval in force on this node for `settings`, with what it depends on. */
    inForce(settings: StatisticsSettings): StatisticsInForce {
      return {
        intervalSec: load.lengthen(settings).intervalSec,
        connectedAgents: presence.size,
        samplesPerSec: load.samplesPerSec,
      };
    },

    stop(): void {
      load.stop();
      for (const stop of unsubscribe) stop();
    },
  };
}
