import { readFile } from 'node:fs/promises';
import type { Platform } from '../platform.js';
import { portablePlatform } from '../portable-platform.js';
import { readConsoleUser } from './console-user.js';
import { parseMeminfo } from './meminfo.js';
import { parseMounts } from './mounts.js';
import { readOsPrettyName } from './os-release.js';

/**
 * Linux: /etc/os-release, /proc/meminfo, /proc/mounts and utmp (through `who`), each falling
 * back to the portable answer when the file is missing (containers, hardened systems).
 */
export const linuxPlatform: Platform = {
  async osName() {
    return (await readOsPrettyName()) ?? portablePlatform.osName();
  },
  async memory() {
    const meminfo = await readOptional('/proc/meminfo');
    return (meminfo === undefined ? undefined : parseMeminfo(meminfo)) ?? portablePlatform.memory();
  },
  async diskMounts() {
    const mounts = await readOptional('/proc/mounts');
    const real = mounts === undefined ? [] : parseMounts(mounts);
    return real.length > 0 ? real : ['/'];
  },
  consoleUser: readConsoleUser,
  diskUsage: (mount) => portablePlatform.diskUsage(mount),
  cpuTimes: () => portablePlatform.cpuTimes(),
};

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined; // absent in some containers: the caller falls back
  }
}
