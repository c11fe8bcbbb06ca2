import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The file a service agent (an unprivileged account) writes in its data folder to have the
 * system uninstall it: the root-run `tether-agent-uninstall.path` unit watches for it. Any agent
 * that finds it at start stays away from the server: its device was deleted.
 */
export const UNINSTALL_REQUEST_FILE = 'uninstall.request';

/** Whether this agent asked to be uninstalled (and the system has not done it yet). */
export function isUninstallRequested(dataDir: string): boolean {
  return existsSync(join(dataDir, UNINSTALL_REQUEST_FILE));
}
