import type { DeviceKeyPermission, OemCompatibility, OemPermission } from '@tether/protocol';

/**
 * Persistence of the integration API (O-1 … O-5). Tables are declared by augmenting `Database`
 * in `store/migrations/oem.ts`. No secret is stored: tokens as SHA-256, device keys not at all.
 */
export interface OemRepository {
  /** Fails with `CONFLICT` when the ID or the name (case-insensitive) is taken. */
  createTenant(tenant: OemTenantRecord): Promise<OemTenantRecord>;
  findTenant(id: string): Promise<OemTenantRecord | undefined>;
  /** Ordered by name. */
  listTenants(): Promise<OemTenantRecord[]>;
  /** Returns false when there is no such tenant. */
  setTenantGroups(id: string, groups: string[]): Promise<boolean>;
  /** Returns false when there is no such tenant. */
  setTenantCompatibility(id: string, compatibility: OemCompatibility): Promise<boolean>;

  createToken(token: OemTokenRecord): Promise<OemTokenRecord>;
  findTokenByHash(tokenHash: string): Promise<OemTokenRecord | undefined>;
  findToken(id: string): Promise<OemTokenRecord | undefined>;
  /** Newest first. */
  listTokens(tenantId: string): Promise<OemTokenRecord[]>;
  /** Returns false when there is no such token or it was already revoked. */
  revokeToken(id: string, at: Date): Promise<boolean>;

  findRemoteControlId(deviceId: string): Promise<string | undefined>;
  findDeviceIdByRemoteControlId(remoteControlId: string): Promise<string | undefined>;
  /**
   * Gives the device `remoteControlId` unless it already has one; returns the device's ID
   * either way. Returns undefined when `remoteControlId` belongs to another device.
   */
  assignRemoteControlId(input: {
    deviceId: string;
    remoteControlId: string;
    at: Date;
  }): Promise<string | undefined>;

  addDeviceKey(key: OemDeviceKeyRecord): Promise<void>;
  /** Only keys not deleted. */
  findDeviceKey(deviceId: string, deviceKeyId: string): Promise<OemDeviceKeyRecord | undefined>;
  /** Returns false when the key was unknown or already deleted. */
  markDeviceKeyDeleted(deviceId: string, deviceKeyId: string, at: Date): Promise<boolean>;
  /** The tenant's keys not deleted, oldest first: these devices belong to the tenant. */
  listDeviceKeys(tenantId: string): Promise<OemDeviceKeyRecord[]>;

  /** Fails with `CONFLICT` when the tenant registered this key hash already. */
  addAppRegistration(registration: OemAppRegistrationRecord): Promise<void>;
  listAppRegistrations(tenantId: string): Promise<OemAppRegistrationRecord[]>;
}

export interface OemTenantRecord {
  /** `t` + digits. */
  id: string;
  name: string;
  /** Device groups whose devices the tenant may roll device keys out to. */
  groups: string[];
  /** The formats its devices hand secrets out in. */
  compatibility: OemCompatibility;
  createdAt: Date;
  createdBy: string;
}

export interface OemTokenRecord {
  id: string;
  tenantId: string;
  name: string;
  /** SHA-256 of the token, base64url. */
  tokenHash: string;
  permissions: OemPermission[];
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
}

export interface OemDeviceKeyRecord {
  deviceId: string;
  deviceKeyId: string;
  tenantId: string;
  permissions: DeviceKeyPermission[];
  createdAt: Date;
  /** The script token's ID that created it. */
  createdBy: string;
}

export interface OemAppRegistrationRecord {
  keyId: string;
  tenantId: string;
  /** Lower-case hex. */
  signingKeySha256: string;
  createdAt: Date;
  createdBy: string;
}
