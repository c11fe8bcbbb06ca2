import type { AgentSettings } from '@tether/protocol';
import { agentMaintenance, readMaintenanceSettings } from '../maintenance/maintenance-settings.js';
import type { Store } from '../store/store.js';
import type { AgentLink } from './device-presence.js';
import { readStatisticsSettings } from './statistics-settings.js';

/**
 * The settings each agent follows (`welcome`, `settings`): the fleet's statistics and the
 * device's own deletion deadline (A-7: its maximum offline time, else the fleet's threshold).
 *
 * @example
 * const agentSettings = createAgentSettings(store);
 * channel.send({ type: 'welcome', settings: await agentSettings.forDevice(deviceId), … });
 */
export interface AgentSettingsSource {
  forDevice(deviceId: string): Promise<AgentSettings>;
  /** Sends every connected agent its settings as they are now (after an administrator's change). */
  sendToAll(links: Iterable<AgentLink>): Promise<void>;
}

export function createAgentSettings(store: Store): AgentSettingsSource {
  return {
    async forDevice(deviceId) {
      const [statistics, maintenance, device] = await Promise.all([
        readStatisticsSettings(store),
        readMaintenanceSettings(store),
        store.devices.find(deviceId),
      ]);
      return {
        statistics,
        maintenance: agentMaintenance(maintenance, device?.maxOfflineMinutes ?? null),
      };
    },
    async sendToAll(links) {
      // Three queries for the fleet, not one per agent: few devices have their own limit.
      const [statistics, maintenance, ownLimits] = await Promise.all([
        readStatisticsSettings(store),
        readMaintenanceSettings(store),
        store.deviceMaintenance.ownOfflineLimits(),
      ]);
      for (const link of links) {
        const own = ownLimits.get(link.deviceId) ?? null;
        link.send({
          type: 'settings',
          settings: { statistics, maintenance: agentMaintenance(maintenance, own) },
        });
      }
    },
  };
}
