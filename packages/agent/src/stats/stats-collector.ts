import { uptime } from 'node:os';
import type { DeviceStats, StatisticKind } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import type { Platform } from '../platform/platform.js';
import { createCpuSampler } from './cpu-sampler.js';

/** The protocol accepts at most this many disks per sample. */
const MAX_DISKS = 64;

/** Collects one statistics sample; see {@link createStatsCollector}. */
export interface StatsCollector {
  collect(enabled: readonly StatisticKind[]): Promise<DeviceStats>;
}

/**
 * Collects the statistics an administrator enabled, and only those: a kind that is not
 * enabled is not even measured. A kind that fails to measure is left out of the sample rather
 * than failing the whole sample.
 *
 * @example
 * const collector = createStatsCollector({ platform: selectPlatform(process.platform) });
 * send({ type: 'stats', stats: await collector.collect(['cpu', 'memory']) });
 */
export function createStatsCollector(options: {
  platform: Platform;
  log: Logger;
  /** Grabs a screen thumbnail (`data:` URL); absent when the agent has no VNC server. */
  screenThumbnail?: () => Promise<string>;
}): StatsCollector {
  const { platform, log } = options;
  const cpu = createCpuSampler(() => platform.cpuTimes());
  const measure: { [K in StatisticKind]: (stats: DeviceStats) => Promise<void> } = {
    cpu: (stats) => {
      const percent = cpu.sample();
      if (percent !== undefined) stats.cpuPercent = percent;
      return Promise.resolve();
    },
    memory: async (stats) => {
      stats.memory = await platform.memory();
    },
    disk: async (stats) => {
      stats.disks = await measureDisks(platform, await platform.diskMounts());
    },
    uptime: (stats) => {
      stats.uptimeSec = Math.floor(uptime());
      return Promise.resolve();
    },
    consoleUser: async (stats) => {
      stats.consoleUser = (await platform.consoleUser())?.slice(0, 256) ?? null;
    },
    screenThumbnail: async (stats) => {
      if (options.screenThumbnail) stats.screenThumbnail = await options.screenThumbnail();
    },
  };
  return {
    async collect(enabled) {
      const stats: DeviceStats = {};
      const kinds = [...new Set(enabled)];
      const results = await Promise.allSettled(kinds.map((kind) => measure[kind](stats)));
      results.forEach((result, index) => {
        if (result.status === 'rejected') {
          log.debug(
            { kind: kinds[index], err: result.reason as unknown },
            'statistic could not be measured',
          );
        }
      });
      return stats;
    },
  };
}

async function measureDisks(
  platform: Platform,
  mounts: readonly string[],
): Promise<NonNullable<DeviceStats['disks']>> {
  const results = await Promise.allSettled(
    mounts.slice(0, MAX_DISKS).map(async (mount) => ({
      mount: mount.slice(0, 512),
      ...(await platform.diskUsage(mount)),
    })),
  );
  // A mount can vanish or deny access between listing and measuring; report the others.
  return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}
