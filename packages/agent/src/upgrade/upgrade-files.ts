// The two files an upgrade leaves beside the launcher, read by the launcher (sh, with sed:
// hence one line of JSON in a fixed order) and by the agent after a restart. Loaded at start:
// it uses nothing but node:fs.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `{"from":"0.1.0","to":"0.2.0","attempts":0}`: an upgrade not yet confirmed by the new version. */
export const UPGRADE_FILE = 'upgrade.json';
/** Left by the launcher when the new version failed to start twice and it went back to `from`. */
export const ROLLBACK_FILE = 'rollback.json';

export interface UpgradeRecord {
  from: string;
  to: string;
  attempts: number;
}

/** Versions are plain words (the launcher puts them into paths and a sed expression). */
export function isSafeVersion(version: string): boolean {
  return /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/.test(version);
}

export async function writeUpgradeRecord(installDir: string, record: UpgradeRecord): Promise<void> {
  const path = join(installDir, UPGRADE_FILE);
  const line = `{"from":"${record.from}","to":"${record.to}","attempts":${record.attempts}}\n`;
  await writeFile(`${path}.tmp`, line, { mode: 0o644 });
  await rename(`${path}.tmp`, path);
}

async function readRecord(path: string): Promise<UpgradeRecord | undefined> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const from = /"from":"([^"]*)"/.exec(text)?.[1];
  const to = /"to":"([^"]*)"/.exec(text)?.[1];
  const attempts = Number(/"attempts":(\d+)/.exec(text)?.[1] ?? 0);
  return from && to ? { from, to, attempts } : undefined;
}

/** What the agent tells the server about an upgrade once it is connected after a restart. */
export type UpgradeOutcome =
  | { state: 'installed'; version: string }
  | { state: 'rolled-back'; version: string; reason: string };

/**
 * Settles the upgrade files of an install once this version is connected: the new version
 * confirms its upgrade (removes upgrade.json, so the launcher stops counting); the old one,
 * started again by the launcher's rollback, reports it (removes rollback.json).
 *
 * @example
 * const outcome = await settleUpgrade(installDir, AGENT_VERSION);
 * if (outcome) send({ type: 'upgrade.status', ...outcome });
 */
export async function settleUpgrade(
  installDir: string,
  runningVersion: string,
): Promise<UpgradeOutcome | undefined> {
  const rollback = await readRecord(join(installDir, ROLLBACK_FILE));
  if (rollback) {
    await rm(join(installDir, ROLLBACK_FILE), { force: true });
    return {
      state: 'rolled-back',
      version: rollback.to,
      reason: `Version ${rollback.to} failed to start ${rollback.attempts} times; the launcher went back to ${rollback.from}.`,
    };
  }
  const upgrade = await readRecord(join(installDir, UPGRADE_FILE));
  if (!upgrade || upgrade.to !== runningVersion) return undefined;
  await rm(join(installDir, UPGRADE_FILE), { force: true });
  return { state: 'installed', version: runningVersion };
}
