import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '@tether/protocol/app-error';
import { installProgram, removeProgram } from './install-program.js';
import {
  initialPasswordFile,
  renderSysusers,
  renderUnit,
  type ServiceLayout,
} from './systemd-unit.js';

const run = promisify(execFile);

/** How to install: where (a `--root` prefix skips the account, ownership and systemctl). */
export interface ServiceOptions {
  layout: ServiceLayout;
  /** A prefix for every path (tests); empty for a real install. */
  root: string;
  /** The checkout whose built bundle is installed. */
  from: string;
  /** The node binary the unit runs. */
  node: string;
  /** The config written when there is none yet. */
  config: Record<string, unknown>;
  out: (line: string) => void;
}

/** The service's config: the ports of a service install (HTTP redirect on 80, HTTPS on 443). */
export function serviceConfig(
  layout: ServiceLayout,
  ports: { https: number; http: number | null; admin: number; publicUrl?: string | undefined },
): Record<string, unknown> {
  return {
    dataDir: layout.dataDir,
    listen: { host: '0.0.0.0', port: ports.https },
    ...(ports.http === null ? {} : { http: { host: '0.0.0.0', port: ports.http } }),
    admin: { host: '0.0.0.0', port: ports.admin },
    ...(ports.publicUrl ? { publicUrl: ports.publicUrl } : {}),
    logLevel: 'info',
  };
}

/** A real install runs as root: say so before touching anything. */
function requireRoot(options: { root: string }, verb: string): void {
  if (options.root === '' && process.getuid?.() !== 0)
    throw new AppError(
      'FORBIDDEN',
      `tether server ${verb} writes to /etc, /opt and /var/lib and runs systemctl: run it as root (sudo), or give --root DIR to write the files under DIR only.`,
    );
}

/**
 * Refuses a node the sandbox would hide: `ProtectHome=yes` makes /home and /root invisible to
 * the service, so a Node installed there (nvm) could not start it.
 */
function checkNode(node: string): void {
  if (/^\/(home|root)(\/|$)/.test(node))
    throw new AppError(
      'INVALID_INPUT',
      `The service cannot run ${node}: ProtectHome=yes hides /home and /root from it. Install Node system-wide (e.g. Debian's nodejs, /usr/bin/node) and pass --node PATH.`,
    );
}

async function accountIds(user: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const { stdout } = await run('getent', ['passwd', user]);
    const [, , uid, gid] = stdout.trim().split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    // getent exits 2 when there is no such account.
    return undefined;
  }
}

/** The service account: created with useradd when missing (real installs only). */
async function ensureAccount(
  options: ServiceOptions,
): Promise<{ uid: number; gid: number } | undefined> {
  const { layout } = options;
  if (options.root !== '') {
    options.out(
      `Account "${layout.user}": not created under --root (declared in ${layout.sysusersFile}; systemd-sysusers creates it at boot); files keep their current owner.`,
    );
    return undefined;
  }
  const existing = await accountIds(layout.user);
  if (existing) return existing;
  await run('useradd', [
    '--system',
    '--user-group',
    '--home-dir',
    layout.dataDir,
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    '--comment',
    'Tether server',
    layout.user,
  ]);
  options.out(`Created the system account "${layout.user}".`);
  return accountIds(layout.user);
}

async function systemctl(args: string[]): Promise<void> {
  try {
    await run('systemctl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new AppError(
      'UNAVAILABLE',
      `systemctl ${args.join(' ')} failed: ${stderr || (error as Error).message}`,
    );
  }
}

/**
 * Installs (or reinstalls) the server as the `tether` systemd service. Idempotent: the unit and
 * the program are rewritten, an existing config is kept, the data directory is only re-owned.
 */
export async function installService(options: ServiceOptions): Promise<void> {
  requireRoot(options, 'install');
  checkNode(options.node);
  const { layout, root } = options;
  const at = (path: string): string => join(root, path);
  const reinstall = existsSync(at(layout.unitFile));
  const packages = await installProgram(options.from, at(layout.programDir));
  options.out(`Program: ${layout.programDir} (bundle, console, ${packages.length} node modules).`);
  await mkdir(dirname(at(layout.sysusersFile)), { recursive: true });
  await writeFile(at(layout.sysusersFile), renderSysusers(layout), { mode: 0o644 });
  const account = await ensureAccount(options);

  await mkdir(dirname(at(layout.configFile)), { recursive: true, mode: 0o755 });
  if (existsSync(at(layout.configFile))) {
    options.out(`Config: ${layout.configFile} exists and is kept as it is.`);
  } else {
    await writeFile(at(layout.configFile), `${JSON.stringify(options.config, null, 2)}\n`, {
      mode: 0o640,
    });
    options.out(`Config: ${layout.configFile} written (HTTPS, HTTP redirect and admin ports).`);
  }
  // Readable by the service's group only: the config may hold directory passwords.
  await chmod(at(layout.configFile), 0o640);
  if (account) await chown(at(layout.configFile), 0, account.gid);

  // The parents keep the usual 755; only the data directory itself is closed to others.
  await mkdir(dirname(at(layout.dataDir)), { recursive: true });
  await mkdir(at(layout.dataDir), { recursive: true, mode: 0o750 });
  await chmod(at(layout.dataDir), 0o750);
  if (account) await chown(at(layout.dataDir), account.uid, account.gid);
  options.out(`Data: ${layout.dataDir} (mode 750${account ? `, owned by ${layout.user}` : ''}).`);

  await mkdir(dirname(at(layout.unitFile)), { recursive: true });
  await writeFile(at(layout.unitFile), renderUnit({ layout, node: options.node }), { mode: 0o644 });
  options.out(`Unit: ${layout.unitFile}.`);
  if (root !== '') {
    options.out('systemctl skipped (--root).');
    return;
  }
  await systemctl(['daemon-reload']);
  await systemctl(['enable', '--now', 'tether.service']);
  // A reinstall is an upgrade: the running server must load the new program.
  if (reinstall) await systemctl(['restart', 'tether.service']);
  options.out('Service tether enabled and started.');
}

/** What to print after a real install: where to go, and where the first password is. */
export async function afterInstall(options: ServiceOptions): Promise<string[]> {
  const config = JSON.parse(
    await readFile(join(options.root, options.layout.configFile), 'utf8'),
  ) as {
    publicUrl?: string;
    listen?: { port?: number };
    admin?: { port?: number };
  };
  const https = config.listen?.port ?? 8443;
  const consoleUrl = config.publicUrl ?? `https://<this host>${https === 443 ? '' : `:${https}`}`;
  return [
    `Console:         ${consoleUrl}`,
    `Admin interface: https://localhost:${config.admin?.port ?? 7615}/conf (from this machine; add networks with \`tether admin trusted-networks add\`)`,
    `Administrator:   admin; its password is written on first start to ${initialPasswordFile(options.layout)}:`,
    `                 sudo cat ${initialPasswordFile(options.layout)}   (delete the file once signed in)`,
    'Logs:            journalctl -u tether',
  ];
}

/** Stops and removes the service and its program; data and config stay unless `purge`. */
export async function uninstallService(
  options: Omit<ServiceOptions, 'from' | 'node' | 'config'> & { purge: boolean },
): Promise<void> {
  requireRoot(options, 'uninstall');
  const { layout, root } = options;
  const at = (path: string): string => join(root, path);
  if (root === '' && existsSync(layout.unitFile)) {
    await systemctl(['disable', '--now', 'tether.service']);
  }
  await rm(at(layout.unitFile), { force: true });
  if (root === '') await systemctl(['daemon-reload']);
  const removed = await removeProgram(at(layout.programDir));
  options.out(`Removed the unit${removed ? ` and ${layout.programDir}` : ''}.`);
  if (!options.purge) {
    options.out(
      `Kept ${layout.dataDir} and ${layout.configFile} (and the account "${layout.user}"): --purge removes them.`,
    );
    return;
  }
  await rm(at(layout.dataDir), { recursive: true, force: true });
  // The documented config directory (/etc/tether), with any certificates kept there.
  await rm(at(dirname(layout.configFile)), { recursive: true, force: true });
  await rm(at(layout.sysusersFile), { force: true });
  if (root === '' && (await accountIds(layout.user))) await run('userdel', [layout.user]);
  options.out(
    `Purged ${layout.dataDir}, ${dirname(layout.configFile)} and the account "${layout.user}".`,
  );
}
