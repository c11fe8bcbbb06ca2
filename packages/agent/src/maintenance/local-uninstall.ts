import { AppError } from '@tether/protocol/agent';
import { createLogger } from '../logging.js';
import { systemClock } from '../clock.js';
import { readAgentState } from '../identity/agent-state.js';
import { createServerPin } from '../identity/server-pin.js';
import { collectInventory } from '../platform/inventory.js';
import { selectPlatform } from '../platform/select-platform.js';
import { openControlConnection, type ControlConnection } from '../transport/control-connection.js';
import { readMaintenanceRecord } from './maintenance-file.js';

/** The report waits this long for the server; then the uninstall goes on without it. */
const REPORT_TIMEOUT_MS = 10_000;

/**
 * "Restrict local uninstall": when the server said so, `tether-agent uninstall` runs only
 * for root. What the agent last heard is in its data folder; an agent that never connected has
 * no restriction yet.
 *
 * @example
 * await refuseRestrictedUninstall(dataDir, process.getuid?.());
 */
export async function refuseRestrictedUninstall(
  dataDir: string,
  uid: number | undefined,
): Promise<void> {
  const record = await readMaintenanceRecord(dataDir);
  if (record?.restrictLocalUninstall && uid !== undefined && uid !== 0)
    throw new AppError(
      'FORBIDDEN',
      'Uninstalling the Tether agent on this device is restricted to root by the administrator. Run it as root (sudo tether-agent uninstall), or ask the administrator to delete the device from the console: its agent then uninstalls itself.',
    );
}

/**
 * Tells the server that the agent is being uninstalled on the device before its files
 * go: one authenticated control connection with the agent's own identity, `device.uninstalled`,
 * and the server's close once it recorded it (it marks the device uninstalled or removes it, as
 * its maintenance setting says). Resolves to whether the server confirmed; an unreachable
 * server does not hold the uninstall up (the device then shows offline, and later lost).
 *
 * @example
 * const isReported = await reportLocalUninstall(dataDir);
 */
export async function reportLocalUninstall(
  dataDir: string,
  timeoutMs: number = REPORT_TIMEOUT_MS,
): Promise<boolean> {
  let state;
  try {
    state = await readAgentState(dataDir);
  } catch {
    return false; // not enrolled (or the identity is gone already): nothing to report
  }
  const log = createLogger({ level: 'silent' });
  const report = { isSent: false };
  const noop = (): void => undefined;
  const connection: ControlConnection = openControlConnection({
    state,
    pin: createServerPin(dataDir, state.config),
    inventory: await collectInventory(selectPlatform(process.platform)),
    log,
    clock: systemClock,
    events: {
      onWelcome: () => {
        connection.send({ type: 'device.uninstalled' });
        report.isSent = true;
      },
      onSettings: noop,
      onOffer: noop,
      onCancel: noop,
      onOemRequest: noop,
      onUnattended: noop,
    },
  });
  const timer = setTimeout(() => connection.close(1000, 'uninstall goes on'), timeoutMs);
  const { code } = await connection.closed;
  clearTimeout(timer);
  // The server closes normally once the report is recorded.
  return report.isSent && code === 1000;
}
