import type { Device, DeviceStats } from '@tether/protocol';
import { formatAgo, percent } from '../../format/format.js';
import { visibleText } from '../../format/visible-text.js';

/** Memory use as a percentage, when the agent reports it. */
export function memoryPercent(stats: DeviceStats | null): number | undefined {
  return stats?.memory ? percent(stats.memory.usedBytes, stats.memory.totalBytes) : undefined;
}

/**
 * The disk shown in the overview: the root (or `C:`) volume when present, otherwise the fullest.
 *
 * @example
 * const disk = mainDisk(device.stats); // { mount: '/', totalBytes, usedBytes }
 */
export function mainDisk(
  stats: DeviceStats | null,
): NonNullable<DeviceStats['disks']>[number] | undefined {
  const disks = stats?.disks ?? [];
  const root = disks.find((disk) => disk.mount === '/' || /^[A-Za-z]:\\?$/.test(disk.mount));
  if (root) return root;
  return [...disks].sort(
    (a, b) => percent(b.usedBytes, b.totalBytes) - percent(a.usedBytes, a.totalBytes),
  )[0];
}

/** Disk use of the main disk as a percentage. */
export function diskPercent(stats: DeviceStats | null): number | undefined {
  const disk = mainDisk(stats);
  return disk ? percent(disk.usedBytes, disk.totalBytes) : undefined;
}

/** CPU use rounded to a whole percentage. */
export function cpuPercent(stats: DeviceStats | null): number | undefined {
  return stats?.cpuPercent === undefined ? undefined : Math.round(stats.cpuPercent);
}

/**
 * "Online now", "5 min ago", or "never" for a device that has not connected since enrolling.
 *
 * @example
 * lastSeenLabel(device, Date.now())
 */
export function lastSeenLabel(device: Device, now: number): string {
  if (device.online) return 'Online now';
  return device.lastSeenAt ? formatAgo(device.lastSeenAt, now) : 'Never connected';
}

/** One line for the operating system: its human name, else platform and release. */
export function osLabel(device: Device): string {
  const { name, platform, release, arch } = device.os;
  const base = name.trim() !== '' ? name : `${platform} ${release}`.trim();
  return visibleText(arch ? `${base} (${arch})` : base);
}
