import { AppError, UNATTENDED_IDLE_MINUTES, formatAccessId } from '@tether/protocol';
import type { DeviceRecord } from '../store/store.js';
import type { UnattendedAccessRecord } from '../store/unattended-repository.js';

/** The password and access file of a revoked or expired access no longer work. */
export function deadAccess(access: UnattendedAccessRecord): AppError {
  return new AppError(
    'TOKEN_EXPIRED',
    access.state === 'revoked'
      ? `Unattended access ${formatAccessId(access.id)} was revoked; create a new one.`
      : `Unattended access ${formatAccessId(access.id)} has expired (${UNATTENDED_IDLE_MINUTES} minutes after its last connection); its password and access file no longer work. Create a new one.`,
  );
}

/** One technician at a time under an access. */
export function accessHeld(): AppError {
  return new AppError(
    'CONFLICT',
    'Another technician is connected with this unattended access; one technician at a time.',
  );
}

/**
 * A device has at most one live access: a second one is refused unless the request replaces
 * it, so no forgotten password stays valid beside the one on screen.
 */
export function accessAlreadyOn(
  access: Pick<UnattendedAccessRecord, 'id' | 'mode'>,
  device: DeviceRecord,
): AppError {
  return new AppError(
    'CONFLICT',
    `Unattended access is already on for "${device.name}" (session ID ${formatAccessId(access.id)}, ${access.mode}). Connect with its one-time password, turn it off, or replace it ("replace": true) to get a new password; the old one then stops working.`,
    { accessId: access.id, mode: access.mode },
  );
}
