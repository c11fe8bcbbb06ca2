import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWhoOutput } from './console-user.js';
import { parseMeminfo } from './meminfo.js';
import { parseMounts } from './mounts.js';
import { parseOsRelease } from './os-release.js';

test('meminfo: used memory is total minus available, in bytes', () => {
  const text =
    'MemTotal:       16384000 kB\nMemFree:          100000 kB\nMemAvailable:    8192000 kB\nCached: 5 kB\n';
  assert.deepEqual(parseMeminfo(text), { totalBytes: 16384000 * 1024, usedBytes: 8192000 * 1024 });
  assert.equal(parseMeminfo('MemTotal: 10 kB\n'), undefined);
});

test('mounts: only disk filesystems, each device once, escapes decoded', () => {
  const text = [
    'proc /proc proc rw 0 0',
    '/dev/sda2 / ext4 rw 0 0',
    'tmpfs /run tmpfs rw 0 0',
    '/dev/sda1 /boot/efi vfat rw 0 0',
    '/dev/sda2 /var/lib/docker ext4 rw 0 0',
    '/dev/loop3 /snap/core/1 squashfs ro 0 0',
    'overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0',
    '/dev/sdb1 /mnt/my\\040disk xfs rw 0 0',
    '',
  ].join('\n');
  assert.deepEqual(parseMounts(text), ['/', '/boot/efi', '/mnt/my disk']);
});

test('who: a graphical login is the console user, ssh logins are not', () => {
  const text = [
    'root     pts/0        2025-01-01 09:00 (192.168.1.20)',
    'bob      tty2         2025-01-01 08:10',
    'alice    :0           2025-01-01 08:00 (:0)',
  ].join('\n');
  assert.equal(parseWhoOutput(text), 'alice');
  assert.equal(parseWhoOutput('carol    seat0        2025-01-01 08:00 (login screen)\n'), 'carol');
  assert.equal(parseWhoOutput('dave     tty2         2025-01-01 08:00 (tty2)\n'), 'dave');
  assert.equal(parseWhoOutput('root     pts/0        2025-01-01 09:00 (10.0.0.1)\n'), null);
  assert.equal(parseWhoOutput(''), null);
});

test('os-release: PRETTY_NAME with or without quotes', () => {
  assert.equal(
    parseOsRelease('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'),
    'Debian GNU/Linux 12 (bookworm)',
  );
  assert.equal(parseOsRelease("PRETTY_NAME='Alpine Linux v3.20'\n"), 'Alpine Linux v3.20');
  assert.equal(parseOsRelease('PRETTY_NAME=Arch\n'), 'Arch');
  assert.equal(parseOsRelease('NAME=x\n'), undefined);
});
