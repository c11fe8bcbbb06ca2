import { DEFAULT_STATISTICS_SETTINGS, StatisticsSettings } from '@tether/protocol';
import type { Store } from '../store/store.js';

const KEY = 'statistics';

/** The statistics agents send and their interval; defaults until an administrator sets them. */
export async function readStatisticsSettings(store: Store): Promise<StatisticsSettings> {
  const parsed = StatisticsSettings.safeParse(await store.settings.get(KEY));
  return parsed.success ? parsed.data : DEFAULT_STATISTICS_SETTINGS;
}

export async function writeStatisticsSettings(
  store: Store,
  settings: StatisticsSettings,
): Promise<void> {
  await store.settings.set(KEY, { ...settings, enabled: [...new Set(settings.enabled)] });
}
