import type { AgentSettings } from '@tether/protocol';
import type { Store } from '../store/store.js';
import type { DevicePresence } from './device-presence.js';
import { statisticsResolver } from './group-statistics.js';

/** Which connected agents a settings push is for: all, one group's, or some devices. */
export interface SettingsAudience {
  group?: string;
  deviceIds?: readonly string[];
}

/**
 * The settings each agent gets (`welcome`, then `settings` on every change): the fleet's, with
 * its group's own statistics settings where the group has some.
 *
 * @example
 * const agentSettings = createAgentSettings({ store, presence });
 * await agentSettings.push({ group: 'Kiosks' });
 */
export function createAgentSettings(deps: { store: Store; presence: DevicePresence }) {
  const { store, presence } = deps;
  return {
    async of(device: { group: string }): Promise<AgentSettings> {
      const statistics = await statisticsResolver(store);
      return { statistics: statistics.of(device.group) };
    },

    /** Sends the settings to the connected agents of the audience (all when none is given). */
    async push(audience: SettingsAudience = {}): Promise<void> {
      const statistics = await statisticsResolver(store);
      const wanted = audience.deviceIds && new Set(audience.deviceIds);
      const group = audience.group?.toLowerCase();
      for (const link of presence.all()) {
        if (wanted && !wanted.has(link.deviceId)) continue;
        // Without group settings the whole fleet gets the same: no device is read.
        if (statistics.isUniform && group === undefined) {
          link.send({ type: 'settings', settings: { statistics: statistics.of('') } });
          continue;
        }
        const device = await store.devices.find(link.deviceId);
        if (!device || (group !== undefined && device.group.toLowerCase() !== group)) continue;
        link.send({ type: 'settings', settings: { statistics: statistics.of(device.group) } });
      }
    },
  };
}
