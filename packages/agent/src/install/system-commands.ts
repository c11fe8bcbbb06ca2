import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AppError } from '@tether/protocol/agent';
import { onDisk } from './install-paths.js';

/** Runs a system program (useradd, systemctl…); rejects with what it printed when it fails. */
export function runSystem(program: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        const said = `${stderr}${stdout}`.trim() || error.message;
        reject(new AppError('INTERNAL', `${program} ${args.join(' ')} failed: ${said}`));
        return;
      }
      resolve(stdout);
    });
  });
}

/** Whether systemd runs this system (it is PID 1): sd_booted()'s test. Never under `--root`. */
export function isSystemdRunning(root: string): boolean {
  return root === '/' && existsSync('/run/systemd/system');
}

/** An account of the system under `root`, from its /etc/passwd. */
export interface SystemAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** Finds an account in `<root>/etc/passwd`; undefined when it does not exist. */
export async function findAccount(root: string, name: string): Promise<SystemAccount | undefined> {
  let passwd: string;
  try {
    passwd = await readFile(onDisk(root, '/etc/passwd'), 'utf8');
  } catch {
    return undefined; // a --root prefix without /etc: no accounts at all
  }
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid, , home] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined && home !== undefined) {
      return { name, uid: Number(uid), gid: Number(gid), home };
    }
  }
  return undefined;
}

/** `--root DIR` for the shadow tools when installing under a prefix (they chroot themselves). */
const rootArgs = (root: string): string[] => (root === '/' ? [] : ['--root', root]);

/**
 * Creates the service's system account: its own group, no login shell, a home inside its data
 * folder (not created by useradd: the installer makes it 0700).
 */
export async function createSystemAccount(
  root: string,
  account: { name: string; home: string },
): Promise<SystemAccount> {
  if (!existsSync(onDisk(root, '/etc/passwd'))) {
    throw new AppError(
      'INVALID_INPUT',
      `Cannot create the account "${account.name}": ${onDisk(root, '/etc/passwd')} does not exist. Install into a system root, or use --mode user.`,
    );
  }
  await runSystem('useradd', [
    ...rootArgs(root),
    '--system',
    '--user-group',
    '--home-dir',
    account.home,
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    '--comment',
    'Tether agent',
    account.name,
  ]);
  const created = await findAccount(root, account.name);
  if (!created) throw new AppError('INTERNAL', `useradd did not create "${account.name}".`);
  return created;
}

/** Removes the service's account (and its group, which useradd made for it). */
export async function deleteSystemAccount(root: string, name: string): Promise<void> {
  await runSystem('userdel', [...rootArgs(root), name]);
}
