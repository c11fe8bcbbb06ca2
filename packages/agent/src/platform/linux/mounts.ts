/**
 * Filesystem types that store files on a disk. Everything else in /proc/mounts (proc, sysfs,
 * tmpfs, cgroup, overlay, squashfs snaps, fuse helpers, network shares…) is skipped: its usage
 * says nothing about whether this machine is running out of disk.
 */
const DISK_FILESYSTEMS = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'zfs',
  'f2fs',
  'jfs',
  'reiserfs',
  'vfat',
  'exfat',
  'ntfs',
  'ntfs3',
  'fuseblk',
  'hfsplus',
  'apfs',
]);

/**
 * Mount points of disk-backed filesystems, each device once (bind mounts and btrfs subvolumes
 * repeat a device; its first mount point is kept).
 *
 * @example
 * parseMounts('/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n'); // ['/']
 */
export function parseMounts(text: string): string[] {
  const seenDevices = new Set<string>();
  const mounts: string[] = [];
  for (const line of text.split('\n')) {
    const [device, mountPoint, fsType] = line.split(' ');
    if (device === undefined || mountPoint === undefined || fsType === undefined) continue;
    if (!DISK_FILESYSTEMS.has(fsType) || seenDevices.has(device)) continue;
    seenDevices.add(device);
    mounts.push(unescapeMountPoint(mountPoint));
  }
  return mounts;
}

/** /proc/mounts writes spaces, tabs, newlines and backslashes in paths as octal escapes. */
function unescapeMountPoint(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}
