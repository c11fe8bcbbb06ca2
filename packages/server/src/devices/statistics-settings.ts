import { DEFAULT_STATISTICS_SETTINGS, StatisticsSettings } from '@tether/protocol';
import type { Store } from '../store/store.js';
import { readSetting } from '../store/read-setting.js';

const KEY = 'statistics';

/** The statistics agents send and their interval; defaults until an administrator sets them. */
export async function readStatisticsSettings(store: Store): Promise<StatisticsSettings> {
  return readSetting(store.settings, KEY, StatisticsSettings, DEFAULT_STATISTICS_SETTINGS);
}

export async function writeStatisticsSettings(
  store: Store,
  settings: StatisticsSettings,
): Promise<void> {
  await store.settings.set(KEY, { ...settings, enabled: [...new Set(settings.enabled)] });
}
