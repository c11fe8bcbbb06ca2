import type { DeviceRecord } from '../store/store.js';
import type { DescribeTarget } from './policy-conflicts.js';

/**
 * Names groups and devices in messages: `group "Servers"`, `device "web-01"` (the ID when the
 * device is unknown).
 *
 * @example
 * describeTargets(await store.devices.list())({ type: 'group', group: 'Lab' }) // 'group "Lab"'
 */
export function describeTargets(
  devices: readonly Pick<DeviceRecord, 'id' | 'name'>[],
): DescribeTarget {
  const names = new Map(devices.map((device) => [device.id, device.name]));
  return (target) =>
    target.type === 'group'
      ? `group "${target.group}"`
      : `device "${names.get(target.deviceId) ?? target.deviceId}"`;
}
