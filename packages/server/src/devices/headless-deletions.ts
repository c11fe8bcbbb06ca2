import { z } from 'zod';
import { DeviceId } from '@tether/protocol';
import type { ServerContext } from '../ports/server-context.js';
import { readSetting } from '../store/read-setting.js';
import type { Store } from '../store/store.js';
import { clearDeletedDevice } from './delete-device.js';

/** Devices `tether devices delete` tombstoned, for the running server to finish. */
const PENDING_KEY = 'devices.headlessDeletions';
const Pending = z.array(DeviceId);

/**
 * Notes a device the headless CLI deleted, so that a running server on the same database ends
 * its sessions and tells its connected agent to uninstall within seconds.
 *
 * @example
 * await addHeadlessDeletion(store, device.id);
 */
export async function addHeadlessDeletion(
  store: Pick<Store, 'settings'>,
  deviceId: string,
): Promise<void> {
  const pending = await readSetting(store.settings, PENDING_KEY, Pending, []);
  await store.settings.set(PENDING_KEY, [...new Set([...pending, deviceId])]);
}

/**
 * Run by the sweeper every few seconds: finishes the deletions the headless CLI made (the
 * tombstone and the audit entry are there already), then forgets them.
 */
export async function finishHeadlessDeletions(context: ServerContext): Promise<void> {
  const pending = await readSetting(context.store.settings, PENDING_KEY, Pending, []);
  if (pending.length === 0) return;
  await context.store.settings.set(PENDING_KEY, []);
  for (const deviceId of pending) {
    const device = await context.store.devices.find(deviceId);
    if (!device?.deletedAt) continue;
    await clearDeletedDevice(context, device, {
      by: 'administrator',
      actor: { username: 'system', via: 'headless' },
    });
  }
}
