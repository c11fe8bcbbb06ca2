import { z } from 'zod';
import { AppError, DeviceId, StartUpgradeRequest, UpgradeSettings } from '@tether/protocol';
import type { Store } from '../store/store.js';
import { readSetting } from '../store/read-setting.js';

const SETTINGS_KEY = 'upgrades';
const CYCLE_KEY = 'upgrades.cycle';

/** Until an administrator saves settings: no automatic upgrade, moderate limits. */
export const DEFAULT_UPGRADE_SETTINGS: UpgradeSettings = {
  mode: 'disabled',
  bandwidthBytesPerSec: 10 * 1024 * 1024,
  maxConcurrent: 50,
};

/**
 * A `once` cycle (A-6, "this cycle only"): the devices enrolled when it started. Each is
 * upgraded when it is online; when none is left to upgrade, the mode goes back to `disabled`.
 */
export const UpgradeCycle = z.object({
  startedAt: z.string(),
  targetVersion: z.string(),
  deviceIds: z.array(DeviceId),
});
export type UpgradeCycle = z.infer<typeof UpgradeCycle>;

export async function readUpgradeSettings(
  store: Pick<Store, 'settings'>,
): Promise<UpgradeSettings> {
  return readSetting(store.settings, SETTINGS_KEY, UpgradeSettings, DEFAULT_UPGRADE_SETTINGS);
}

export async function writeUpgradeSettings(
  store: Pick<Store, 'settings'>,
  settings: UpgradeSettings,
): Promise<void> {
  await store.settings.set(SETTINGS_KEY, settings);
}

export async function readUpgradeCycle(
  store: Pick<Store, 'settings'>,
): Promise<UpgradeCycle | undefined> {
  return readSetting(store.settings, CYCLE_KEY, UpgradeCycle, undefined);
}

export async function writeUpgradeCycle(
  store: Pick<Store, 'settings'>,
  cycle: UpgradeCycle | null,
): Promise<void> {
  await store.settings.set(CYCLE_KEY, cycle);
}

/**
 * Checks and saves new settings (the admin API and `tether admin upgrades set` both come here):
 * the target must be the server's own version or one of `buildVersions`; `once` starts a cycle
 * over the devices enrolled now. On a refusal nothing is written.
 */
export async function saveUpgradeSettings(
  store: Pick<Store, 'settings' | 'devices'>,
  next: UpgradeSettings,
  options: { ownVersion: string; buildVersions: readonly string[]; now: Date },
): Promise<void> {
  const version = next.targetVersion ?? options.ownVersion;
  if (version !== options.ownVersion && !options.buildVersions.includes(version))
    throw new AppError(
      'INVALID_INPUT',
      `The server holds no agent build of version ${version}: upload it first, or choose one of the builds listed (${options.buildVersions.join(', ') || 'none'}).`,
    );
  await writeUpgradeSettings(store, next);
  if (next.mode !== 'once') return;
  const deviceIds = (await store.devices.list()).map((device) => device.id);
  const startedAt = options.now.toISOString();
  await writeUpgradeCycle(store, { startedAt, targetVersion: version, deviceIds });
}

const REQUESTS_KEY = 'upgrades.requests';

/**
 * Manual upgrades asked for without the server's API (`tether admin upgrades start`): saved in
 * the database; the running server queues them within a few seconds and clears the list.
 */
export const SavedUpgradeRequests = z.array(
  z.object({ request: StartUpgradeRequest, actor: z.string() }),
);
export type SavedUpgradeRequests = z.infer<typeof SavedUpgradeRequests>;

export async function addUpgradeRequest(
  store: Pick<Store, 'settings'>,
  entry: SavedUpgradeRequests[number],
): Promise<void> {
  await store.settings.set(REQUESTS_KEY, [...(await takeUpgradeRequests(store, false)), entry]);
}

/** The saved requests; `clear` empties the list (the server, once it queued them). */
export async function takeUpgradeRequests(
  store: Pick<Store, 'settings'>,
  clear = true,
): Promise<SavedUpgradeRequests> {
  const parsed = SavedUpgradeRequests.safeParse(await store.settings.get(REQUESTS_KEY));
  const requests = parsed.success ? parsed.data : [];
  if (clear && requests.length > 0) await store.settings.set(REQUESTS_KEY, []);
  return requests;
}
