import { z } from 'zod';

/**
 * The statistics an administrator can ask agents for. Fewer statistics and a longer
 * interval keep a large fleet cheap.
 */
export const StatisticKind = z.enum([
  'cpu',
  'memory',
  'disk',
  'uptime',
  'consoleUser',
  'screenThumbnail',
]);
export type StatisticKind = z.infer<typeof StatisticKind>;

/**
 * Which statistics agents send, and how often.
 *
 * @example
 * const settings: StatisticsSettings = { intervalSec: 30, enabled: ['cpu', 'memory'] };
 */
export const StatisticsSettings = z.object({
  intervalSec: z.int().min(5).max(3600),
  enabled: z.array(StatisticKind).max(StatisticKind.options.length),
});
export type StatisticsSettings = z.infer<typeof StatisticsSettings>;

/**
 * The interval in force on the server that answered (A-5: a longer interval as the fleet
 * grows). Each server takes at most `samplesPerSec` samples a second from its agents (its
 * `agents.statisticsPerSec` setting), so with more agents connected than the configured interval
 * allows, agents report less often than configured: `intervalSec` is then longer than the
 * settings' (rounded up to 10, 15, 20, 30 or 45 s, or 1, 1.5, 2, 3, 5, 10, 15, 30 or 60 min). Group
 * intervals are lengthened the same way.
 *
 * @example
 * const inForce: StatisticsInForce = { intervalSec: 30, connectedAgents: 5000, samplesPerSec: 200 };
 */
export const StatisticsInForce = z.object({
  intervalSec: z.int().min(5).max(3600),
  /** Agents connected to this server (in a cluster, to the node that answered). */
  connectedAgents: z.int().nonnegative(),
  samplesPerSec: z.number().positive(),
});
export type StatisticsInForce = z.infer<typeof StatisticsInForce>;

/**
 * `GET /api/v1/settings/statistics`: the fleet's settings and, read-only, the interval in force.
 *
 * @example
 * const view: StatisticsSettingsView = { intervalSec: 15, enabled: ['cpu'], inForce: { intervalSec: 30, connectedAgents: 5000, samplesPerSec: 200 } };
 */
export const StatisticsSettingsView = StatisticsSettings.extend({ inForce: StatisticsInForce });
export type StatisticsSettingsView = z.infer<typeof StatisticsSettingsView>;

/** Defaults for a new server. */
export const DEFAULT_STATISTICS_SETTINGS: StatisticsSettings = {
  intervalSec: 15,
  enabled: ['cpu', 'memory', 'disk', 'uptime', 'consoleUser'],
};

const bytes = z.number().int().nonnegative();

/**
 * One sample of a device's statistics. Every field is optional: an agent sends only what is
 * enabled, and what its platform can measure.
 *
 * @example
 * const sample: DeviceStats = { cpuPercent: 12.5, uptimeSec: 86400 };
 */
export const DeviceStats = z.object({
  cpuPercent: z.number().min(0).max(100).optional(),
  memory: z.object({ totalBytes: bytes, usedBytes: bytes }).optional(),
  disks: z
    .array(z.object({ mount: z.string().max(512), totalBytes: bytes, usedBytes: bytes }))
    .max(64)
    .optional(),
  uptimeSec: z.number().nonnegative().optional(),
  consoleUser: z.string().max(256).nullable().optional(),
  /** A small PNG of the screen (`data:image/png;base64,…`), from agents with a VNC server. */
  screenThumbnail: z
    .string()
    .max(128 * 1024)
    .regex(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/)
    .optional(),
});
export type DeviceStats = z.infer<typeof DeviceStats>;

/**
 * A device group's own statistics settings: they override the fleet's for the agents of
 * that group.
 *
 * @example
 * const override: GroupStatistics = { groupId, groupName: 'Kiosks', settings: { intervalSec: 300, enabled: ['uptime'] } };
 */
export const GroupStatistics = z.object({
  groupId: z.uuid(),
  groupName: z.string(),
  settings: StatisticsSettings,
});
export type GroupStatistics = z.infer<typeof GroupStatistics>;

/** `GET /api/v1/settings/statistics/groups`: every group with settings of its own, by name. */
export const GroupStatisticsList = z.object({ groups: z.array(GroupStatistics) });
export type GroupStatisticsList = z.infer<typeof GroupStatisticsList>;

/**
 * The settings an agent gets: its group's own when the group has some, else the fleet's.
 *
 * @example
 * effectiveStatistics(fleet, overrides, device.group) // overrides keyed by lower-case group name
 */
export function effectiveStatistics(
  fleet: StatisticsSettings,
  byGroupName: ReadonlyMap<string, StatisticsSettings>,
  groupName: string,
): StatisticsSettings {
  return byGroupName.get(groupName.toLowerCase()) ?? fleet;
}
