import type { DeviceUpgrade } from '@tether/protocol';
import type { Upgrade } from './upgrade-planner.js';

/**
 * A device's upgrade as the console and API show it; `node`: the cluster node running it (only
 * in a cluster, where each node upgrades its own agents).
 *
 * @example
 * const views = planner.list().map((upgrade) => deviceUpgradeView(upgrade, 'node-2'));
 */
export function deviceUpgradeView(upgrade: Upgrade, node?: string): DeviceUpgrade {
  return {
    deviceId: upgrade.deviceId,
    deviceName: upgrade.deviceName,
    fromVersion: upgrade.fromVersion,
    toVersion: upgrade.toVersion,
    state: upgrade.state,
    ...(upgrade.reason !== undefined && { reason: upgrade.reason }),
    isManual: upgrade.isManual,
    updatedAt: upgrade.updatedAt.toISOString(),
    ...(node !== undefined && { node }),
  };
}
