import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../identity/atomic-write.js';
import type { InstallMode, InstallPaths } from './install-paths.js';

/** The file in the install folder that says what the install made, for `uninstall`. */
export const INSTALL_RECORD = 'install.json';

/** `install.json`: what an install made (paths as the installed system sees them). */
export interface InstallRecord {
  format: 1;
  paths: InstallPaths;
  version: string;
  deviceId: string;
  installedAt: string;
  /** The package was unpacked in the install folder itself (the .deb): its files are not ours. */
  isInPlace: boolean;
  /** The account was made by this install (an existing one is left on uninstall). */
  hasCreatedAccount: boolean;
}

export async function writeInstallRecord(
  installDirOnDisk: string,
  record: InstallRecord,
): Promise<void> {
  await writeFileAtomic(
    join(installDirOnDisk, INSTALL_RECORD),
    `${JSON.stringify(record, null, 2)}\n`,
    0o644,
  );
}

const MODES: readonly InstallMode[] = ['service', 'user'];

/** Reads `install.json`; undefined when the folder holds no install (or not one we understand). */
export async function readInstallRecord(
  installDirOnDisk: string,
): Promise<InstallRecord | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(installDirOnDisk, INSTALL_RECORD), 'utf8'));
  } catch {
    return undefined; // missing or not JSON: not an install this agent made
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Partial<InstallRecord>;
  const paths = record.paths;
  if (
    record.format !== 1 ||
    typeof paths !== 'object' ||
    !MODES.includes(paths.mode) ||
    typeof paths.installDir !== 'string' ||
    typeof paths.dataDir !== 'string' ||
    typeof paths.unitFile !== 'string' ||
    typeof paths.logFile !== 'string'
  ) {
    return undefined;
  }
  return record as InstallRecord;
}
