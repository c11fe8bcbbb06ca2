import { z } from 'zod';
import { DeviceId, UpgradeSettings } from '@tether/protocol';
import type { Store } from '../store/store.js';

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
  const parsed = UpgradeSettings.safeParse(await store.settings.get(SETTINGS_KEY));
  return parsed.success ? parsed.data : DEFAULT_UPGRADE_SETTINGS;
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
  const parsed = UpgradeCycle.safeParse(await store.settings.get(CYCLE_KEY));
  return parsed.success ? parsed.data : undefined;
}

export async function writeUpgradeCycle(
  store: Pick<Store, 'settings'>,
  cycle: UpgradeCycle | null,
): Promise<void> {
  await store.settings.set(CYCLE_KEY, cycle);
}
