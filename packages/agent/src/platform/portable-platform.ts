import { freemem, homedir, totalmem, type as osType, version as osVersion } from 'node:os';
import { parse } from 'node:path';
import { statfs } from 'node:fs/promises';
import { readCpuTimes } from '../stats/cpu-sampler.js';
import type { Platform } from './platform.js';

/**
 * A platform built on `node:os` alone: coarse (free memory counts caches as used, only the
 * home drive is measured, no console user) but it runs on every OS Node runs on.
 */
export const portablePlatform: Platform = {
  osName: () => Promise.resolve(`${osType()} ${osVersion()}`.trim()),
  memory: () => {
    const totalBytes = totalmem();
    return Promise.resolve({ totalBytes, usedBytes: Math.max(0, totalBytes - freemem()) });
  },
  diskMounts: () => Promise.resolve([parse(homedir()).root || '/']),
  consoleUser: () => Promise.resolve(null),
  async diskUsage(mount) {
    const info = await statfs(mount);
    const totalBytes = info.blocks * info.bsize;
    return { totalBytes, usedBytes: totalBytes - info.bfree * info.bsize };
  },
  cpuTimes: readCpuTimes,
};
