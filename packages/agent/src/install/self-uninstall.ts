import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKAGE_LAYOUT } from '@tether/protocol/agent-package';
import { CONFIG_FILE, IDENTITY_FILE } from '../identity/agent-state.js';
import { readInstallRecord, type InstallRecord } from './install-record.js';
import { UNINSTALL_REQUEST_FILE } from './uninstall-request.js';

/** What {@link uninstallSelf} needs. */
export interface SelfUninstallRequest {
  /** For the log: why (deleted by an administrator, past the deletion deadline, …). */
  reason: string;
  /** The agent's data folder (its identity), removed too. */
  dataDir: string;
  log: (line: string) => void;
  /** The install this agent runs from; default: `TETHER_AGENT_HOME`, which the launcher sets. */
  installDir?: string;
}

/**
 * The agent removes itself from the device (issue 15): its install (when it runs from one),
 * units, account and identity; a hand-run agent (no install) only forgets its identity.
 * The caller stops the agent and exits afterwards; it must not reconnect.
 *
 * From an install, `tether-agent uninstall --purge` does the work in a process of its own, since
 * stopping the unit ends the agent and everything in its control group:
 * - a service (it runs as its unprivileged account): the agent writes {@link UNINSTALL_REQUEST_FILE}
 *   and the root-run `tether-agent-uninstall.path` unit the install added runs the uninstall;
 * - a user install, or an agent running as root: a detached uninstall, through `systemd-run`
 *   (outside the unit's control group) when systemd runs.
 *
 * JOINT: implemented by the lifecycle helper; maintenance (deadline passed) calls it too.
 *
 * @example
 * await uninstallSelf({ reason: 'deleted by admin', dataDir, log: (line) => log.warn(line) });
 */
export async function uninstallSelf(request: SelfUninstallRequest): Promise<void> {
  const installDir = request.installDir ?? process.env.TETHER_AGENT_HOME;
  const record = installDir ? await readInstallRecord(installDir) : undefined;
  if (!record) {
    await rm(join(request.dataDir, IDENTITY_FILE), { force: true });
    await rm(join(request.dataDir, CONFIG_FILE), { force: true });
    request.log(
      `uninstall (${request.reason}): not an install, so only this agent's identity was removed from ${request.dataDir}`,
    );
    return;
  }
  // Written in every case: should the unit start the agent again before the uninstall is done,
  // it sees the request and does not connect.
  await writeFile(join(request.dataDir, UNINSTALL_REQUEST_FILE), `${request.reason}\n`, {
    mode: 0o600,
  });
  if (record.paths.mode === 'service' && process.getuid?.() !== 0) {
    request.log(
      `uninstall (${request.reason}): asked the system to remove the agent (tether-agent-uninstall.path runs tether-agent uninstall --purge as root)`,
    );
    return;
  }
  const command = uninstallCommand(record);
  request.log(`uninstall (${request.reason}): running ${command.join(' ')}`);
  const child = spawn(command[0] ?? '', command.slice(1), { detached: true, stdio: 'ignore' });
  child.on('error', (error) => request.log(`cannot start the uninstall: ${error.message}`));
  child.unref();
}

/** The uninstall, in a transient unit of its own when systemd runs, else a plain process. */
function uninstallCommand(record: InstallRecord): string[] {
  const { installDir } = record.paths;
  const uninstall = [
    join(installDir, PACKAGE_LAYOUT.launcher),
    'uninstall',
    '--purge',
    '--by-agent',
    '--install-dir',
    installDir,
  ];
  if (!existsSync('/run/systemd/system')) return uninstall;
  const scope = record.paths.mode === 'user' ? ['--user'] : [];
  return ['systemd-run', ...scope, '--collect', '--quiet', '--', ...uninstall];
}
