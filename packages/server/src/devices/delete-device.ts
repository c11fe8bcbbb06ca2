import { AppError } from '@tether/protocol';
import type { AdminActor } from '../audit/admin-actor.js';
import type { ServerContext } from '../ports/server-context.js';

/** Why a device is deleted: an administrator's action, or maintenance past its threshold. */
export type DeviceDeletion = { by: 'administrator'; actor: AdminActor } | { by: 'maintenance' };

/**
 * Deletes a device (issue 15): marks the row deleted (a tombstone, so history keeps its name),
 * ends its sessions, tells its agent to uninstall when online (`device.uninstall`), refuses and
 * tells it again when it comes back; audited.
 *
 * JOINT: implemented by the lifecycle helper; maintenance calls it.
 */
export function deleteDevice(
  _context: ServerContext,
  deviceId: string,
  _deletion: DeviceDeletion,
): Promise<void> {
  return Promise.reject(
    new AppError('UNAVAILABLE', `Deleting device ${deviceId} is not built yet.`),
  );
}
