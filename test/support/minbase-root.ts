import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The minimal Debian (debootstrap minbase: no Node, no compiler) made by ensure-deps --test. */
export const MINBASE_ROOT = '/var/cache/tether-tests/debian-minbase';

/** Why the chroot tests cannot run here, or undefined when they can. */
export function minbaseUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'chroot needs root';
  if (!existsSync(join(MINBASE_ROOT, 'usr/bin/tar')))
    return `no minimal Debian at ${MINBASE_ROOT}: run node scripts/ensure-deps.mjs --test`;
  return undefined;
}

/**
 * A throw-away copy of the minimal Debian to install into (never the test machine itself), with
 * the /etc/hosts every real machine has (minbase has none, and the agent connects to localhost).
 *
 * @example
 * const root = await copyMinbaseRoot();
 * await root.chroot(['/tmp/package/tether-agent', '--help']);
 * await root.close();
 */
export async function copyMinbaseRoot(): Promise<{
  dir: string;
  /** Runs a command inside, in its own mount namespace with /proc and /dev (gone on exit). */
  chroot(
    command: string[],
    options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number },
  ): Promise<{ stdout: string; stderr: string }>;
  /**
   * Starts a long-running command inside (its own process group: stop it with `stop`), as
   * `userspec` (`user:group`) when given, the way a unit's `User=` runs it.
   */
  start(command: string[], options?: { userspec?: string }): ChildProcess & { output(): string };
  /** Unmounts and removes the copy. */
  close(): Promise<void>;
}> {
  const parent = await mkdtemp(join(tmpdir(), 'tether-minbase-'));
  const dir = join(parent, 'root');
  const isOverlaid = await overlay(MINBASE_ROOT, parent);
  if (!isOverlaid) await run('cp', ['-a', MINBASE_ROOT, dir]);
  await writeFile(join(dir, 'etc/hosts'), '127.0.0.1 localhost\n::1 localhost\n');
  const inside = (command: string[], userspec?: string): string[] => [
    '--mount',
    '--fork',
    'sh',
    '-c',
    'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && exec chroot "$@"',
    dir,
    ...(userspec ? [`--userspec=${userspec}`] : []),
    dir,
    ...command,
  ];
  return {
    dir,
    start(command, options = {}) {
      const child = spawn('unshare', inside(command, options.userspec), {
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
        detached: true,
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return Object.assign(child, { output: () => output });
    },
    chroot: (command, options = {}) =>
      run('unshare', inside(command), {
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 16 * 2 ** 20,
      }),
    async close() {
      // Lazily: a process still inside (a test that failed midway) must not keep the copy.
      if (isOverlaid) await run('umount', ['--lazy', dir]);
      await rm(parent, { recursive: true, force: true });
    },
  };
}

/**
 * Mounts a writable overlay of `lower` at `<parent>/root` (its changes go to `<parent>/upper`):
 * the copy is instant, where `cp -a` of the 200 MiB root took ~5 s per test. False when this
 * kernel or container does not allow it; the caller copies instead.
 */
async function overlay(lower: string, parent: string): Promise<boolean> {
  const root = join(parent, 'root');
  const upper = join(parent, 'upper');
  const work = join(parent, 'work');
  await Promise.all([root, upper, work].map((path) => mkdir(path)));
  try {
    await run('mount', [
      ...['-t', 'overlay', 'overlay'],
      ...['-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`],
      root,
    ]);
    return true;
  } catch {
    await rm(root, { recursive: true, force: true });
    return false;
  }
}
