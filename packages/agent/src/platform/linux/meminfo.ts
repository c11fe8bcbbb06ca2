import type { MemoryUsage } from '../platform.js';

/**
 * Total and used memory from `/proc/meminfo`. Used is total − MemAvailable, the figure `free`
 * and desktop monitors show; page cache the kernel can drop does not count as used.
 *
 * @example
 * parseMeminfo('MemTotal: 2048 kB\nMemAvailable: 1024 kB\n'); // { totalBytes: 2097152, usedBytes: 1048576 }
 */
export function parseMeminfo(text: string): MemoryUsage | undefined {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s+(\d+)\s*kB/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      values.set(match[1], Number(match[2]) * 1024);
    }
  }
  const total = values.get('MemTotal');
  const available = values.get('MemAvailable');
  if (total === undefined || available === undefined) return undefined;
  return { totalBytes: total, usedBytes: Math.max(0, total - available) };
}
