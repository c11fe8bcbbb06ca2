import {
  AppError,
  DEFAULT_MAINTENANCE_SETTINGS,
  MaintenanceSettings,
  MIN_MAINTENANCE_DAYS,
  describeIssues,
  type AgentMaintenance,
} from '@tether/protocol';
import type { Store } from '../store/store.js';
import { readSetting } from '../store/read-setting.js';

const KEY = 'maintenance';
const MINUTES_PER_DAY = 24 * 60;

/** The lost and delete thresholds and uninstall rules saved, or the defaults. */
export async function readMaintenanceSettings(
  store: Pick<Store, 'settings'>,
): Promise<MaintenanceSettings> {
  return readSetting(store.settings, KEY, MaintenanceSettings, DEFAULT_MAINTENANCE_SETTINGS);
}

/** Validates, then saves; bad input throws `INVALID_INPUT` saying what is wrong, nothing stored. */
export async function writeMaintenanceSettings(
  store: Pick<Store, 'settings'>,
  settings: MaintenanceSettings,
): Promise<MaintenanceSettings> {
  const parsed = MaintenanceSettings.safeParse(settings);
  if (!parsed.success)
    throw new AppError(
      'INVALID_INPUT',
      `Maintenance settings not saved: ${describeIssues(parsed.error, 'settings').join('; ')}. Thresholds are whole days from ${MIN_MAINTENANCE_DAYS} to 3650 (or none), and a device is flagged lost before it is deleted.`,
    );
  await store.settings.set(KEY, parsed.data);
  return parsed.data;
}

/**
 * A device's deletion deadline in minutes offline: its own maximum offline time (installer
 * attribute, ephemeral = 5) overrides the fleet's delete threshold; null: never.
 *
 * @example
 * effectiveDeleteMinutes({ deleteAfterDays: 90, … }, 5) === 5
 */
export function effectiveDeleteMinutes(
  settings: Pick<MaintenanceSettings, 'deleteAfterDays'>,
  maxOfflineMinutes: number | null,
): number | null {
  if (maxOfflineMinutes !== null) return maxOfflineMinutes;
  return settings.deleteAfterDays === null ? null : settings.deleteAfterDays * MINUTES_PER_DAY;
}

/** What one device's agent is told (`AgentSettings.maintenance`). */
export function agentMaintenance(
  settings: MaintenanceSettings,
  maxOfflineMinutes: number | null,
): AgentMaintenance {
  return {
    deleteAfterOfflineMinutes: effectiveDeleteMinutes(settings, maxOfflineMinutes),
    restrictLocalUninstall: settings.restrictLocalUninstall,
  };
}
