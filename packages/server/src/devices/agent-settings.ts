import type { AgentSettings } from '@tether/protocol';
import type { Clock } from '../clock.js';
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

/**
 * The settings each agent gets (`welcome`, then `settings` on every change): the fleet's, with
 * its group's own statistics settings where the group has some.
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
  let cached: { at: number; resolver: Promise<StatisticsResolver> } | undefined;
  /**
   * Read at most once a second for all welcomes: a reconnect storm admits a thousand agents a
   * second, and each would otherwise read the settings. A change through the API is pushed
   * (and read afresh); one written headless reaches the next agents within the second.
   */
  const resolver = (isFresh = false): Promise<StatisticsResolver> => {
    const at = clock.now().getTime();
    if (isFresh || !cached || at - cached.at >= CACHE_MS) {
      const next = statisticsResolver(store);
      cached = { at, resolver: next };
      next.catch(() => {
        if (cached?.resolver === next) cached = undefined; // a failed read is not remembered
      });
    }
    return cached.resolver;
  };
  return {
    async of(device: { group: string }): Promise<AgentSettings> {
      const statistics = await resolver();
      return { statistics: statistics.of(device.group) };
    },

    /** Sends the settings to the connected agents of the audience (all when none is given). */
    async push(audience: SettingsAudience = {}): Promise<void> {
      const statistics = await resolver(true);
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
