import type { AgentSettings, MaintenanceSettings } from '@tether/protocol';
import type { Clock } from '../clock.js';
import { agentMaintenance, readMaintenanceSettings } from '../maintenance/maintenance-settings.js';
import { cachedRead } from '../store/cached-read.js';
import type { Store } from '../store/store.js';
import type { DevicePresence } from './device-presence.js';
import { statisticsResolver, type StatisticsResolver } from './group-statistics.js';

/** How long the settings read for welcomes are reused. */
const CACHE_MS = 1000;

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
 * statistics, or its group's own where the group has some, and its own deletion deadline
 * its maximum offline time, else the fleet's delete threshold).
 *
 * @example
 * const agentSettings = createAgentSettings({ store, presence, clock });
 * await agentSettings.push({ group: 'Kiosks' });
 */
export function createAgentSettings(deps: {
  store: Store;
  presence: DevicePresence;
  clock: Clock;
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
      return { statistics, maintenance };
    },
  });
  return {
    async of(device: AgentSettingsSubject): Promise<AgentSettings> {
      const { statistics, maintenance } = await fleet();
      return {
        statistics: statistics.of(device.group),
        maintenance: agentMaintenance(maintenance, device.maxOfflineMinutes),
      };
    },

    /** Sends the settings to the connected agents of the audience (all when none is given). */
    async push(audience: SettingsAudience = {}): Promise<void> {
      // A few queries for the fleet, not one per agent: few devices have their own limit.
      const [{ statistics, maintenance }, ownLimits] = await Promise.all([
        fleet(true),
        store.deviceMaintenance.ownOfflineLimits(),
      ]);
      const wanted = audience.deviceIds && new Set(audience.deviceIds);
      const group = audience.group?.toLowerCase();
      const settingsOf = (deviceId: string, deviceGroup: string): AgentSettings => ({
        statistics: statistics.of(deviceGroup),
        maintenance: agentMaintenance(maintenance, ownLimits.get(deviceId) ?? null),
      });
      for (const link of presence.all()) {
        if (wanted && !wanted.has(link.deviceId)) continue;
        // Without group settings the whole fleet gets the same statistics: no device is read.
        if (statistics.isUniform && group === undefined) {
          link.send({ type: 'settings', settings: settingsOf(link.deviceId, '') });
          continue;
        }
        const device = await store.devices.find(link.deviceId);
        if (!device || (group !== undefined && device.group.toLowerCase() !== group)) continue;
        link.send({ type: 'settings', settings: settingsOf(link.deviceId, device.group) });
      }
    },
  };
}
