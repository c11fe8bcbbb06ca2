// Loaded on the first `upgrade.offer` only (the agent's memory target has no margin).
import { mkdir, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AppError,
  UPGRADE_DOWNLOAD_PATH,
  type AgentUpgradeState,
  type MessageOf,
  type ServerMessage,
} from '@tether/protocol/agent';
import { PACKAGE_LAYOUT } from '@tether/protocol/agent-package';
import type { Logger } from '../logging.js';
import { downloadBuild } from './download-build.js';
import { isSafeVersion, writeUpgradeRecord } from './upgrade-files.js';
import { verifyUnpackedFiles, verifyUpgradeManifest } from './verify-manifest.js';

const STAGING_DIR = '.upgrade';

export interface ApplyUpgradeOptions {
  offer: MessageOf<ServerMessage, 'upgrade.offer'>;
  serverUrl: string;
  /** The server key this agent pins now: the manifest must be signed by it. */
  pinnedKey: string;
  /** The install folder (the launcher's): `versions/`, `current`, `upgrade.json`. */
  installDir: string;
  runningVersion: string;
  report(state: AgentUpgradeState, reason?: string): void;
  log: Logger;
}

/**
 * Installs an offered build: checks the manifest's signature with the pinned key,
 * downloads and unpacks the body beside the install, checks every file, moves the version into
 * `versions/`, writes `upgrade.json` for the launcher and switches `current`. Resolves `true`
 * when the agent must now exit so that its service starts the new version; reports `failed`
 * with the reason (and resolves `false`, the running version untouched) otherwise.
 *
 * @example
 * if (await applyUpgrade({ offer, serverUrl, pinnedKey, installDir, runningVersion, report, log })) await restart();
 */
export async function applyUpgrade(options: ApplyUpgradeOptions): Promise<boolean> {
  const { offer, installDir, log } = options;
  const staging = join(installDir, STAGING_DIR);
  try {
    if (!isSafeVersion(offer.version) || !isSafeVersion(options.runningVersion))
      throw new AppError('INVALID_INPUT', `"${offer.version}" is not a version name.`);
    if (offer.version === options.runningVersion)
      throw new AppError('CONFLICT', `This agent already runs ${offer.version}.`);
    const manifest = verifyUpgradeManifest({
      text: offer.manifest,
      signature: offer.signature,
      pinnedKey: options.pinnedKey,
      version: offer.version,
    });
    options.report('downloading');
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true, mode: 0o700 });
    const url = new URL(`${UPGRADE_DOWNLOAD_PATH}/${offer.ticket}`, options.serverUrl);
    await downloadBuild({ url, bytes: offer.bytes, dir: staging });
    options.report('installing');
    await verifyUnpackedFiles(staging, manifest);
    await install({ staging, installDir, version: offer.version, from: options.runningVersion });
    log.info({ from: options.runningVersion, to: offer.version }, 'upgrade installed; restarting');
    options.report('restarting');
    return true;
  } catch (error) {
    const reason =
      error instanceof AppError ? error.message : `The upgrade failed: ${String(error)}`;
    log.error({ err: error, version: offer.version }, `upgrade refused or failed: ${reason}`);
    options.report('failed', reason);
    return false;
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Moves the checked version into place, then (last) points `current` at it. */
async function install(options: {
  staging: string;
  installDir: string;
  version: string;
  from: string;
}): Promise<void> {
  const { staging, installDir, version } = options;
  const relative = `${PACKAGE_LAYOUT.versionsDir}/${version}`;
  const currentLink = join(installDir, PACKAGE_LAYOUT.current);
  if ((await readlink(currentLink).catch(() => '')) === relative)
    throw new AppError('CONFLICT', `${version} is already the current version.`);
  await mkdir(join(installDir, PACKAGE_LAYOUT.versionsDir), { recursive: true });
  // A leftover of an earlier attempt (never current: checked above) is replaced.
  await rm(join(installDir, relative), { recursive: true, force: true });
  await rename(join(staging, relative), join(installDir, relative));
  const launcher = join(staging, PACKAGE_LAYOUT.launcher);
  if (await stat(launcher).catch(() => undefined))
    await rename(launcher, join(installDir, PACKAGE_LAYOUT.launcher));
  await writeUpgradeRecord(installDir, { from: options.from, to: version, attempts: 0 });
  // rename() replaces the link itself: at every instant `current` names one whole version.
  await rm(`${currentLink}.new`, { force: true });
  await symlink(relative, `${currentLink}.new`);
  await rename(`${currentLink}.new`, currentLink);
}
