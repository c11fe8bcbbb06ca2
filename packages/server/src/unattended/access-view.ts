import type {
  AccessFile,
  SessionRight,
  UnattendedAccess,
  UnattendedAccessSummary,
} from '@tether/protocol';
import type { DeviceRecord } from '../store/store.js';
import type { UnattendedAccessRecord } from '../store/unattended-repository.js';

/** The API view of an access: never its password hash. */
export function toApiAccess(
  access: UnattendedAccessRecord,
  device: DeviceRecord,
  rights: SessionRight[],
): UnattendedAccess {
  return {
    id: access.id,
    deviceId: access.deviceId,
    deviceName: device.name,
    mode: access.mode,
    rights,
    state: access.state,
    createdAt: access.createdAt.toISOString(),
    createdBy: access.createdBy,
    expiresAt: access.expiresAt?.toISOString() ?? null,
    lastConnectedAt: access.lastConnectedAt?.toISOString() ?? null,
  };
}

/** What the device list says about a device's live access. */
export function toAccessSummary(access: UnattendedAccessRecord): UnattendedAccessSummary {
  return {
    id: access.id,
    mode: access.mode,
    state: access.state,
    expiresAt: access.expiresAt?.toISOString() ?? null,
  };
}

/** The downloadable access file: where and what to connect to, no secret. */
export function toAccessFile(
  access: UnattendedAccessRecord,
  device: DeviceRecord,
  server: string,
): AccessFile {
  return {
    format: 'tether-access-v1',
    server,
    accessId: access.id,
    deviceId: device.id,
    deviceName: device.name,
    createdAt: access.createdAt.toISOString(),
  };
}
