import type { DeviceRight } from '@tether/protocol';
import type { Store, UserRecord } from '../store/store.js';
import type { DeviceRights } from './device-rights.js';

/**
 * Keeps the items (sessions, recordings) of devices on whose group the user has `right`: lists
 * are filtered rather than refused, so a technician sees their groups' history only.
 */
export async function keepVisible<T extends { deviceId: string }>(
  deps: { store: Store; rights: Pick<DeviceRights, 'of'> },
  input: { user: UserRecord; right: DeviceRight; items: T[] },
): Promise<T[]> {
  const { user, right, items } = input;
  const [mine, devices] = await Promise.all([deps.rights.of(user), deps.store.devices.list()]);
  const groups = new Map(devices.map((device) => [device.id, device.group]));
  return items.filter((item) => {
    const group = groups.get(item.deviceId);
    return group !== undefined && mine.has(group, right);
  });
}
