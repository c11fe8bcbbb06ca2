import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { AppError } from '@tether/protocol/agent';
import type { InstallOverrides } from '@tether/protocol/agent-package';
import { systemClock, type Clock } from '../clock.js';
import { enrollAgent } from '../enrollment/enroll-agent.js';
import { enrolledDevice } from '../identity/agent-state.js';
import { createLogger } from '../logging.js';
import { launcherFolder, type InstallArguments } from './install-arguments.js';
import { chownTree, makeFolder, placeFiles, writeOwnFile, type Undo } from './install-files.js';
import { installPaths, onDisk, type InstallMode, type InstallPaths } from './install-paths.js';
import { createInstallProgress, type InstallProgress } from './install-progress.js';
import { writeInstallRecord } from './install-record.js';
import { resolveOverrides } from './install-overrides.js';
import { startInstalled } from './start-installed.js';
import {
  createSystemAccount,
  deleteSystemAccount,
  findAccount,
  type SystemAccount,
} from './system-commands.js';
import { autostartEntry, serviceUnit, uninstallUnits, userUnit } from './system-units.js';
import { verifyPackage, type VerifiedPackage } from './verify-package.js';

/** Options of {@link installAgent}. */
export interface InstallAgentOptions {
  args: InstallArguments;
  /** The running program's entry (`process.argv[1]`): the package when `--package-dir` is not given. */
  entry?: string;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Whether this process may act as root (default: its uid is 0). */
  isRoot?: boolean;
  clock?: Clock;
}

/** What one install is doing, shared by its steps. */
interface Install {
  options: InstallAgentOptions;
  progress: InstallProgress;
  root: string;
  isRoot: boolean;
  clock: Clock;
  /** Steps made so far, undone newest first when a later one fails. */
  undo: Undo[];
  /** The install log on disk, once the mode has decided where it goes. */
  logFile?: string;
}

/** A verified package and what installing it means here. */
interface Plan {
  pkg: VerifiedPackage;
  overrides: InstallOverrides;
  paths: InstallPaths;
  isInPlace: boolean;
}

/**
 * `tether-agent install`: verifies the package, applies the installer's attributes and the
 * allowed overrides, installs the agent as a service (or in the user's session), enrols it and
 * starts it. Every failure leaves nothing installed, only the install log with the reason.
 * Resolves to the exit code.
 *
 * @example
 * const code = await installAgent({ args: installArguments(values, { positionals, env }), env, out, err });
 */
export async function installAgent(options: InstallAgentOptions): Promise<number> {
  const install: Install = {
    options,
    progress: createInstallProgress({
      isSilent: options.args.isSilent,
      out: options.out,
      err: options.err,
    }),
    root: options.args.root,
    isRoot: options.isRoot ?? process.getuid?.() === 0,
    clock: options.clock ?? systemClock,
    undo: [],
  };
  try {
    await installPlanned(install, await plan(install));
    await install.progress.flush();
    return 0;
  } catch (error) {
    return await failInstall(install, error);
  }
}

/** Everything checked before the first file is written. */
async function plan(install: Install): Promise<Plan> {
  const { args, env, entry } = install.options;
  const packageDir = args.packageDir ?? launcherFolder(entry);
  if (!packageDir) {
    throw new AppError('INVALID_INPUT', 'Give the unpacked package with --package-dir DIR.');
  }
  install.progress.step(`Checking the package in ${packageDir}`);
  const pkg = await verifyPackage(packageDir);
  const overrides = resolveOverrides(args.overrides, pkg.config);
  const wanted = overrides.mode ?? pkg.config.attributes.mode;
  const mode = chooseMode(wanted, install.isRoot, install.progress);
  const paths = installPaths({ mode, home: homeOf(env), ...installDirOption(args) });
  install.logFile = onDisk(install.root, paths.logFile);
  await install.progress.logTo(install.logFile);
  checkNotExpired(pkg, install.clock);
  const isInPlace = resolve(pkg.dir) === onDisk(install.root, paths.installDir);
  await refuseExisting(install, paths, isInPlace);
  return { pkg, overrides, paths, isInPlace };
}

async function installPlanned(install: Install, planned: Plan): Promise<void> {
  const { pkg, overrides, paths } = planned;
  const { root, progress } = install;
  progress.step(`Installing version ${pkg.manifest.version} in ${paths.installDir}`);
  install.undo.push(
    ...(await placeFiles({
      packageDir: pkg.dir,
      installDir: onDisk(root, paths.installDir),
      versionDir: pkg.versionDir,
      isInPlace: planned.isInPlace,
    })),
  );
  const account = paths.account ? await ensureAccount(install, paths, paths.account) : undefined;
  install.undo.push(await makeFolder(onDisk(root, paths.dataDir), 0o700));
  if (paths.accountHome) await makeFolder(onDisk(root, paths.accountHome), 0o700);
  const serverUrl =
    overrides.publicSiteAddress ?? pkg.config.attributes.publicSiteAddress ?? pkg.config.serverUrl;
  progress.step(`Enrolling with ${new URL(serverUrl).origin}`);
  const device = await enrollAgent({
    serverUrl,
    token: pkg.config.token,
    dataDir: onDisk(root, paths.dataDir),
    log: createLogger({ level: 'warn', destination: process.stderr }),
    overrides,
    clock: install.clock,
  });
  progress.step(`Enrolled as device ${device.deviceId} ("${device.name}")`);
  await writeUnits(install, paths);
  await writeInstallRecord(onDisk(root, paths.installDir), {
    format: 1,
    paths,
    version: pkg.manifest.version,
    deviceId: device.deviceId,
    installedAt: install.clock.now().toISOString(),
    isInPlace: planned.isInPlace,
    hasCreatedAccount: account?.isCreated ?? false,
  });
  if (account) {
    // The service writes its data and, when it upgrades, new versions and `current`.
    await chownTree(onDisk(root, paths.dataDir), account.account);
    await chownTree(onDisk(root, paths.installDir), account.account);
  }
  const { shouldStart } = install.options.args;
  await startInstalled({ root, paths, shouldStart, env: install.options.env, progress });
}

const homeOf = (env: NodeJS.ProcessEnv): string => env.HOME ?? homedir();

const installDirOption = (args: InstallArguments): { installDir?: string } =>
  args.installDir ? { installDir: args.installDir } : {};

/** A service needs root; without it the agent installs in this user's session instead. */
function chooseMode(wanted: InstallMode, isRoot: boolean, progress: InstallProgress): InstallMode {
  if (wanted === 'service' && !isRoot) {
    progress.warn(
      `Not running as root, so the agent cannot be installed as a service: installing it in user mode for ${userInfo().username} instead (it runs only in this user's session). Run the installer with sudo for a service.`,
    );
    return 'user';
  }
  return wanted;
}

function checkNotExpired(pkg: VerifiedPackage, clock: Clock): void {
  const expiresAt = new Date(pkg.config.expiresAt);
  if (expiresAt.getTime() <= clock.now().getTime()) {
    throw new AppError(
      'TOKEN_EXPIRED',
      `This installer expired on ${pkg.config.expiresAt}. Download a package from an active installer, or ask your administrator to extend this one.`,
    );
  }
}

/** An install never replaces another one: it would orphan that device on the server. */
async function refuseExisting(
  install: Install,
  paths: InstallPaths,
  isInPlace: boolean,
): Promise<void> {
  const device = await enrolledDevice(onDisk(install.root, paths.dataDir));
  if (device) {
    throw new AppError(
      'CONFLICT',
      `The agent is already installed here: ${paths.dataDir} is device ${device.deviceId} of ${device.serverUrl}. To install anew, remove it first with ${paths.installDir}/tether-agent uninstall --purge (and the old device in the console).`,
    );
  }
  const installDir = onDisk(install.root, paths.installDir);
  if (!isInPlace && existsSync(installDir)) {
    if ((await readdir(installDir)).length > 0) {
      throw new AppError(
        'CONFLICT',
        `${paths.installDir} already exists and is not empty. Uninstall the agent there first, or choose another folder with --install-dir.`,
      );
    }
  }
}

async function ensureAccount(
  install: Install,
  paths: InstallPaths,
  name: string,
): Promise<{ account: SystemAccount; isCreated: boolean }> {
  const existing = await findAccount(install.root, name);
  if (existing) return { account: existing, isCreated: false };
  install.progress.step(`Creating the system account ${name}`);
  const home = paths.accountHome ?? paths.dataDir;
  const account = await createSystemAccount(install.root, { name, home });
  install.undo.push(() => deleteSystemAccount(install.root, name));
  return { account, isCreated: true };
}

async function writeUnits(install: Install, paths: InstallPaths): Promise<void> {
  const unit = paths.mode === 'service' ? serviceUnit(paths) : userUnit(paths);
  install.progress.step(`Writing ${paths.unitFile}`);
  install.undo.push(...(await writeOwnFile(onDisk(install.root, paths.unitFile), unit)));
  for (const unit of uninstallUnits(paths)) {
    install.progress.step(`Writing ${unit.file}`);
    install.undo.push(...(await writeOwnFile(onDisk(install.root, unit.file), unit.text)));
  }
  if (paths.autostartFile) {
    install.progress.step(`Writing ${paths.autostartFile}`);
    install.undo.push(
      ...(await writeOwnFile(onDisk(install.root, paths.autostartFile), autostartEntry(paths))),
    );
  }
}

/**
 * Where a failure before the mode was known is logged: the service's log for root, the user's
 * otherwise (the mode such an install would most likely have had).
 */
function fallbackLog(install: Install): string {
  const mode: InstallMode = install.isRoot ? 'service' : 'user';
  return onDisk(install.root, installPaths({ mode, home: homeOf(install.options.env) }).logFile);
}

/** Logs why, undoes every step made (newest first) and says that nothing is left. */
async function failInstall(install: Install, error: unknown): Promise<number> {
  const { progress } = install;
  progress.fail(error instanceof Error ? error.message : String(error));
  for (const undo of install.undo.reverse()) {
    try {
      await undo();
    } catch (undoError) {
      progress.warn(`Could not undo an install step: ${String(undoError)}`);
    }
  }
  progress.step('Nothing was installed.');
  const logFile = install.logFile ?? fallbackLog(install);
  try {
    await progress.logTo(logFile);
  } catch (logError) {
    install.options.err(`Cannot write the install log ${logFile}: ${String(logError)}`);
  }
  return 1;
}
