import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError } from '@tether/protocol/agent';
import { PACKAGE_LAYOUT } from '@tether/protocol/agent-package';
import { installPaths, onDisk, UNIT_NAME, type InstallPaths } from './install-paths.js';
import { INSTALL_RECORD, readInstallRecord, type InstallRecord } from './install-record.js';
import { deleteSystemAccount, isSystemdRunning, runSystem } from './system-commands.js';
import { refuseRestrictedUninstall, reportLocalUninstall } from '../maintenance/local-uninstall.js';
import { UNINSTALL_UNIT, uninstallUnits } from './system-units.js';

/** Options of {@link uninstallAgent}. */
export interface UninstallAgentOptions {
  root: string;
  /** `--install-dir`; default: the install this program runs from, else the default places. */
  installDir?: string;
  /** The install this program runs from, when it is one. */
  runningFrom?: string;
  /** Also remove the agent's identity (its data folder) and the install log. */
  isPurge: boolean;
  env: NodeJS.ProcessEnv;
  /** Who runs it (A-8: restricted to root when the server says so); default: this process's. */
  uid?: number;
  /**
   * The agent removes itself (its device was deleted, or its deletion deadline passed): neither
   * the local-uninstall restriction nor the report to the server apply.
   */
  isByAgent?: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The install to remove: the one named, the one running, or one at a default place. */
async function findInstall(options: UninstallAgentOptions): Promise<InstallRecord> {
  const home = options.env.HOME ?? homedir();
  const candidates = options.installDir
    ? [options.installDir]
    : [
        ...(options.runningFrom ? [options.runningFrom] : []),
        installPaths({ mode: 'service' }).installDir,
        installPaths({ mode: 'user', home }).installDir,
      ];
  for (const candidate of candidates) {
    const record = await readInstallRecord(onDisk(options.root, candidate));
    if (record) return record;
  }
  throw new AppError(
    'NOT_FOUND',
    `No Tether agent install found (looked for ${INSTALL_RECORD} in ${candidates.join(', ')}). Give its folder with --install-dir.`,
  );
}

async function stopUnit(options: UninstallAgentOptions, paths: InstallPaths): Promise<void> {
  if (!isSystemdRunning(options.root)) return;
  const scope = paths.mode === 'service' ? [] : ['--user'];
  // Installs older than the uninstall units have none to stop.
  const watcher = uninstallUnits(paths).find((unit) => unit.file.endsWith('.path'));
  const units = [
    UNIT_NAME,
    ...(watcher && existsSync(watcher.file) ? [`${UNINSTALL_UNIT}.path`] : []),
  ];
  try {
    await runSystem('systemctl', [...scope, 'disable', '--now', ...units]);
  } catch (error) {
    options.err(`Warning: ${(error as Error).message}`);
  }
}

/**
 * `tether-agent uninstall`: stops and disables the unit (when systemd runs), removes the
 * files, the unit, the autostart entry and the service account; `--purge` also removes the
 * agent's identity and the install log. Before removing anything it tells the server,
 * which marks the device uninstalled or removes it; refused for anyone but root when the
 * administrator restricted local uninstall. Resolves to the exit code.
 *
 * @example
 * await uninstallAgent({ root: '/', isPurge: true, env: process.env, out, err });
 */
export async function uninstallAgent(options: UninstallAgentOptions): Promise<number> {
  const record = await findInstall(options);
  const { paths } = record;
  const disk = (path: string): string => onDisk(options.root, path);
  const isByAgent = options.isByAgent === true;
  if (!isByAgent)
    await refuseRestrictedUninstall(disk(paths.dataDir), options.uid ?? process.getuid?.());
  await stopUnit(options, paths);
  // After the unit stopped (its agent would otherwise reconnect and look reinstalled), before
  // anything is removed (the report connects with the agent's identity).
  if (!isByAgent)
    options.out(
      (await reportLocalUninstall(disk(paths.dataDir)))
        ? 'Told the server that the agent is uninstalled.'
        : 'Could not tell the server; the device will show offline, then lost.',
    );
  const units = uninstallUnits(paths).map((unit) => unit.file);
  for (const file of [paths.unitFile, paths.autostartFile, ...units]) {
    if (file && existsSync(disk(file))) {
      await rm(disk(file));
      options.out(`Removed ${file}`);
    }
  }
  if (isSystemdRunning(options.root)) {
    await runSystem('systemctl', [
      ...(paths.mode === 'service' ? [] : ['--user']),
      'daemon-reload',
    ]);
  }
  if (record.isInPlace) {
    // The package manager owns the files; only what the install added goes.
    await rm(disk(join(paths.installDir, PACKAGE_LAYOUT.current)), { force: true });
    await rm(disk(join(paths.installDir, INSTALL_RECORD)), { force: true });
  } else {
    await rm(disk(paths.installDir), { recursive: true, force: true });
  }
  options.out(`Removed ${paths.installDir}`);
  if (paths.account && record.hasCreatedAccount) await removeAccount(options, paths.account);
  if (options.isPurge) {
    await rm(disk(paths.dataDir), { recursive: true, force: true });
    await rm(disk(paths.logFile), { force: true });
    options.out(`Removed ${paths.dataDir} (the agent's identity) and ${paths.logFile}`);
  } else {
    options.out(
      `Kept ${paths.dataDir} (device ${record.deviceId}'s identity) and ${paths.logFile}; --purge removes them.`,
    );
  }
  options.out(`Uninstalled device ${record.deviceId}.`);
  return 0;
}

/**
 * Removes the service account; when that fails (userdel refuses while an agent started by hand
 * still runs as it) the rest is already gone, so it says what is left to do instead of failing.
 */
async function removeAccount(options: UninstallAgentOptions, account: string): Promise<void> {
  try {
    await deleteSystemAccount(options.root, account);
    options.out(`Removed the account ${account}`);
  } catch (error) {
    options.err(
      `Warning: the account ${account} was not removed (${(error as Error).message}). Stop any agent still running as it, then run: userdel ${account}`,
    );
  }
}

/** The install folder the running program belongs to (`<install>/versions/<v>/app/…`). */
export function runningInstall(entry: string | undefined): string | undefined {
  if (!entry) return undefined;
  let dir = dirname(entry);
  for (let depth = 0; depth < 4; depth += 1) {
    if (existsSync(join(dir, INSTALL_RECORD))) return dir;
    dir = dirname(dir);
  }
  return undefined;
}
