import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { readMaintenanceSettings } from './maintenance-settings.js';

/**
 * The agent of `deviceId` reports it is being uninstalled on the device: per the
 * maintenance setting the device is marked uninstalled (it stays in the list, greyed, until
 * deleted) or deleted at once. Audited either way; resolves to what was done.
 *
 * @example
 * await recordLocalUninstall({ store, clock, audit, deleteDevice }, deviceId, sourceAddress);
 */
export async function recordLocalUninstall(
  deps: {
    store: Store;
    clock: Clock;
    audit: Pick<AuditLog, 'record'>;
    deleteDevice(deviceId: string): Promise<void>;
  },
  report: { deviceId: string; sourceAddress: string },
): Promise<'marked' | 'removed'> {
  const { deviceId, sourceAddress } = report;
  const settings = await readMaintenanceSettings(deps.store);
  const outcome = settings.onLocalUninstall === 'remove' ? 'removed' : 'marked';
  if (outcome === 'marked')
    await deps.store.deviceMaintenance.markUninstalled(deviceId, deps.clock.now());
  await deps.audit.record({
    action: 'device.uninstalled',
    actor: `device:${deviceId}`,
    target: deviceId,
    sourceAddress,
    details: { outcome },
  });
  if (outcome === 'removed') await deps.deleteDevice(deviceId);
  return outcome;
}
