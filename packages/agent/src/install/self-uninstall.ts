/** What {@link uninstallSelf} needs. */
export interface SelfUninstallRequest {
  /** For the log: why (deleted by an administrator, past the deletion deadline, …). */
  reason: string;
  /** The agent's data folder (its identity), removed too. */
  dataDir: string;
  log: (line: string) => void;
}

/**
 * The agent removes itself from the device (issue 15): its install (when it runs from one),
 * units, account and identity; a hand-run agent (no install) only forgets its identity.
 * The agent process exits afterwards and does not reconnect.
 *
 * JOINT: implemented by the lifecycle helper; maintenance (deadline passed) calls it too.
 */
export function uninstallSelf(request: SelfUninstallRequest): Promise<void> {
  request.log(`uninstall requested (${request.reason}) but not built yet`);
  return Promise.resolve();
}
