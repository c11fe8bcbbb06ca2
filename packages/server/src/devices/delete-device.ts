import { AppError } from '@tether/protocol';
import type { AdminActor } from '../audit/admin-actor.js';
import type { ServerContext } from '../ports/server-context.js';

/**
 * Why a device is deleted: an administrator's action, maintenance past its threshold, or
 * the end of the ad-hoc session whose one-time agent it was.
 */
export type DeviceDeletion =
  | { by: 'administrator'; actor: AdminActor }
  | { by: 'maintenance' }
  /** The one-time device of an ended ad-hoc session. */
  | { by: 'adhoc'; adhocSessionId: string };

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
