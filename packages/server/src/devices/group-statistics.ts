import { z } from 'zod';
import {
  AppError,
  StatisticsSettings,
  effectiveStatistics,
  type GroupStatistics,
} from '@tether/protocol';
import type { Store } from '../store/store.js';
import { readStatisticsSettings } from './statistics-settings.js';
import { readSetting } from '../store/read-setting.js';

/** Group ID → the group's own statistics settings. By ID: a renamed group keeps them. */
const KEY = 'statistics.groups';
const Overrides = z.record(z.string(), StatisticsSettings);

async function readOverrides(store: Store): Promise<Record<string, StatisticsSettings>> {
  return readSetting(store.settings, KEY, Overrides, {});
}

/** Every group with settings of its own, by name; overrides of deleted groups are left out. */
export async function listGroupStatistics(store: Store): Promise<GroupStatistics[]> {
  const overrides = await readOverrides(store);
  if (Object.keys(overrides).length === 0) return [];
  const groups = await store.deviceGroups.list();
  return groups.flatMap((group) => {
    const settings = overrides[group.id];
    return settings ? [{ groupId: group.id, groupName: group.name, settings }] : [];
  });
}

/**
 * Saves a group's own settings, or removes them (`null`: back to the fleet's). `NOT_FOUND` when
 * there is no such group.
 */
export async function writeGroupStatistics(
  store: Store,
  groupId: string,
  settings: StatisticsSettings | null,
): Promise<{ groupName: string; previous: StatisticsSettings | undefined }> {
  const group = await store.deviceGroups.find(groupId);
  if (!group)
    throw new AppError('NOT_FOUND', 'There is no such device group. It may have been deleted.');
  const overrides = new Map(Object.entries(await readOverrides(store)));
  const previous = overrides.get(groupId);
  if (settings === null) overrides.delete(groupId);
  else overrides.set(groupId, { ...settings, enabled: [...new Set(settings.enabled)] });
  await store.settings.set(KEY, Object.fromEntries(overrides));
  return { groupName: group.name, previous };
}

/** The statistics settings of each device, by its group's name (see {@link statisticsResolver}). */
export interface StatisticsResolver {
  of(groupName: string): StatisticsSettings;
  /** No group has settings of its own: every device gets the fleet's. */
  isUniform: boolean;
  /** The shortest interval configured, the fleet's or a group's. */
  shortestIntervalSec: number;
}

/**
 * Resolves the statistics settings of a device by its group's name: the group's own, else the
 * fleet's. Reads the store once; the device groups only when some group has settings of its own.
 *
 * @example
 * const statistics = await statisticsResolver(store);
 * link.send({ type: 'settings', settings: { statistics: statistics.of(device.group) } });
 */
export async function statisticsResolver(store: Store): Promise<StatisticsResolver> {
  const [fleet, groups] = await Promise.all([
    readStatisticsSettings(store),
    listGroupStatistics(store),
  ]);
  const byName = new Map(groups.map((group) => [group.groupName.toLowerCase(), group.settings]));
  return {
    of: (groupName) => effectiveStatistics(fleet, byName, groupName),
    isUniform: byName.size === 0,
    shortestIntervalSec: Math.min(
      fleet.intervalSec,
      ...groups.map((group) => group.settings.intervalSec),
    ),
  };
}
