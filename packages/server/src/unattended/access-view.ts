import type { UnattendedAccess } from '@tether/protocol';
import type { DeviceRecord } from '../store/store.js';
import type { UnattendedAccessRecord } from '../store/unattended-repository.js';

/** The API view of an access: never its password hash. */
export function toApiAccess(
  access: UnattendedAccessRecord,
  device: DeviceRecord,
): UnattendedAccess {
  return {
    id: access.id,
    deviceId: access.deviceId,
    deviceName: device.name,
    mode: access.mode,
    state: access.state,
    createdAt: access.createdAt.toISOString(),
    createdBy: access.createdBy,
    expiresAt: access.expiresAt?.toISOString() ?? null,
    lastConnectedAt: access.lastConnectedAt?.toISOString() ?? null,
  };
}
