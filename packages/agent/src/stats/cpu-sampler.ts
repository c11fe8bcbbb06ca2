import { cpus } from 'node:os';

/** Busy and total CPU time summed over all cores, in milliseconds. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/** Current cumulative CPU times from `os.cpus()` (the kernel's /proc/stat on Linux). */
export function readCpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, irq, idle } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + irq + idle;
  }
  return { busy, total };
}

/**
 * CPU use since the previous sample, as a percentage of all cores. A single reading of
 * cumulative counters says nothing about "now"; only the difference between two does.
 *
 * @example
 * const sampler = createCpuSampler();
 * // … one statistics interval later
 * const percent = sampler.sample(); // e.g. 12.5
 */
export function createCpuSampler(read: () => CpuTimes = readCpuTimes): {
  sample(): number | undefined;
} {
  let previous = read();
  return {
    sample() {
      const current = read();
      const total = current.total - previous.total;
      const busy = current.busy - previous.busy;
      previous = current;
      // No time elapsed (two samples in the same tick): there is no meaningful figure.
      if (total <= 0) return undefined;
      return Math.round(Math.min(100, Math.max(0, (busy / total) * 100)) * 10) / 10;
    },
  };
}
