import { z } from 'zod';
import { DeviceKeyPermission, RemoteControlId, TenantId } from '../agent/oem-messages.js';
import { Timestamp } from '../ids.js';
import { OemCompatibility } from '../oem/compatibility.js';

/**
 * REST bodies of the integration API (O-1 … O-5). Field names of the script-token endpoints are
 * snake_case like the vendor document; the administrators' endpoints are camelCase like the
 * rest of the console API. The OpenAPI document is generated from these schemas.
 */

/** A GUID with or without the braces Windows tools write; normalised to lower case without braces. */
const Guid = z
  .string()
  .transform((text) =>
    text
      .trim()
      .replace(/^\{(.*)\}$/, '$1')
      .toLowerCase(),
  )
  .pipe(z.uuid());

/** A device key's ID as the device issued it (braces around a GUID are ignored). */
export const DeviceKeyId = z
  .string()
  .min(1)
  .max(130)
  .transform((text) => text.trim().replace(/^\{(.*)\}$/, '$1'))
  .pipe(z.string().min(1).max(128));

/** What a script token may do (O-1). */
export const OemPermission = z.enum([
  'createDeviceKey',
  'requestControl',
  'deleteDeviceKey',
  'manageTenants',
]);
export type OemPermission = z.infer<typeof OemPermission>;

/**
 * `POST /api/v1/oem/devices/createdevicekey`. `key_permissions` is one control type or a list.
 *
 * @example
 * { key_permissions: 'unattended', remotecontrol_id: 'r124124124', request_id: rollout.RequestId, tenant_id: 't1001' }
 */
export const CreateDeviceKeyRequest = z.object({
  key_permissions: z.union([DeviceKeyPermission, z.array(DeviceKeyPermission).min(1).max(2)]),
  remotecontrol_id: RemoteControlId,
  request_id: Guid.describe('RequestId of the rollout file (valid for one request)'),
  tenant_id: TenantId,
});
export type CreateDeviceKeyRequest = z.input<typeof CreateDeviceKeyRequest>;

/** The device key, once: keep all three with the remote-control ID in your product. */
export const CreateDeviceKeyResponse = z.object({
  device_key_id: z.string(),
  /**
   * The private key as an encrypted PEM; passphrase = the RolloutKey of the rollout file.
   * PKCS#8 `ENCRYPTED PRIVATE KEY`, or the traditional `RSA PRIVATE KEY` with `DEK-Info`
   * for tenants with the `seed-001` compatibility setting.
   */
  encrypted_device_key: z.string(),
  /** Needed to unregister the key; shown only here. */
  decommission_token: z.string(),
});
export type CreateDeviceKeyResponse = z.infer<typeof CreateDeviceKeyResponse>;

/**
 * `POST /api/v1/oem/devices/requestcontrol`.
 *
 * @example
 * { control_type: 'attended', device_key_id, remotecontrol_id: 'r124124124', tenant_id: 't1001', tenant_nonce: hex16 }
 */
export const RequestControlRequest = z.object({
  control_type: DeviceKeyPermission,
  device_key_id: DeviceKeyId,
  remotecontrol_id: RemoteControlId,
  tenant_id: TenantId,
  tenant_nonce: z.string().min(16).max(256).describe('A fresh random nonce of the integrator'),
});
export type RequestControlRequest = z.input<typeof RequestControlRequest>;

/** Decrypt the secret with the device key, compute the HMAC, put it in the template. */
export const RequestControlResponse = z.object({
  /**
   * The DeviceSecret encrypted to the device key: RSA-OAEP with SHA-256 (SHA-1 for tenants
   * with the `seed-001` compatibility setting) for both hash and MGF1, base64url.
   */
  encrypted_device_secret: z.string(),
  target_nonce: z.string(),
  /** The one-time connection URL with `YOUR_MASTER_SECRET` in place of the base64url HMAC. */
  url_template: z.string(),
});
export type RequestControlResponse = z.infer<typeof RequestControlResponse>;

/** `DELETE /api/v1/oem/devices`: the device deletes the key pair; 204. */
export const UnregisterDeviceRequest = z.object({
  tenant_id: TenantId,
  remotecontrol_id: RemoteControlId,
  device_key_id: DeviceKeyId,
  decommission_token: z
    .string()
    .min(16)
    .max(256)
    .describe('The decommission_token createdevicekey returned with this key'),
});
export type UnregisterDeviceRequest = z.input<typeof UnregisterDeviceRequest>;

/** `POST /api/v1/oem/appregistrations`: the SHA-256 (hex) of the app's signing key (O-5). */
export const AppRegistrationRequest = z.object({
  tenant_id: TenantId,
  /** SHA-256 of the app's public signing key (SPKI DER), 64 hex digits. */
  app_key_sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
    .transform((hex) => hex.toLowerCase()),
});
export type AppRegistrationRequest = z.input<typeof AppRegistrationRequest>;

/** What the app shows the agent's local rollout endpoint: account ID + key ID. */
export const AppRegistrationResponse = z.object({
  account_id: TenantId,
  app_key_id: z.string(),
  app_key_sha256: z.string(),
});
export type AppRegistrationResponse = z.infer<typeof AppRegistrationResponse>;

/** A device of the calling tenant (`GET /api/v1/oem/devices`). */
export const OemDevice = z.object({
  remotecontrol_id: RemoteControlId,
  name: z.string(),
  online: z.boolean(),
  device_key_ids: z.array(z.string()),
});
export const OemDeviceList = z.object({ devices: z.array(OemDevice) });
export type OemDeviceList = z.infer<typeof OemDeviceList>;

const TenantCompatibility = OemCompatibility.describe(
  'standard: PKCS#8 PBES2 device keys, RSA-OAEP SHA-256 secrets. seed-001: the vendor document formats (traditional RSA PRIVATE KEY PEM with Proc-Type/DEK-Info AES-256-CBC, RSA-OAEP SHA-1), for integrators using its sample code',
);

/** A tenant as administrators see it; it may roll out keys to devices of `groups`. */
export const Tenant = z.object({
  id: TenantId,
  name: z.string(),
  groups: z.array(z.string()),
  /** The formats its devices hand out the device key and DeviceSecret in. */
  compatibility: TenantCompatibility,
  createdAt: Timestamp,
});
export type Tenant = z.infer<typeof Tenant>;

/**
 * `POST /api/v1/oem/tenants` (administrators). `compatibility` is `standard` when left out.
 *
 * @example
 * { name: 'Acme RMM', groups: ['Servers'], compatibility: 'seed-001' }
 */
export const CreateTenantRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(128),
  groups: z.array(z.string().trim().min(1).max(128)).min(1).max(100),
  compatibility: TenantCompatibility.optional(),
});
export type CreateTenantRequest = z.infer<typeof CreateTenantRequest>;

/** `PUT /api/v1/oem/tenants/:id/groups` (administrators). */
export const SetTenantGroupsRequest = z.strictObject({
  groups: CreateTenantRequest.shape.groups,
});

/**
 * `PUT /api/v1/oem/tenants/:id/compatibility` (administrators): applies to device keys rolled
 * out and control requested from then on (keys already handed out keep their format).
 *
 * @example
 * { compatibility: 'seed-001' }
 */
export const SetTenantCompatibilityRequest = z.strictObject({
  compatibility: TenantCompatibility,
});

export const TenantList = z.object({ tenants: z.array(Tenant) });
export type TenantList = z.infer<typeof TenantList>;

/** A script token without its secret. */
export const ScriptToken = z.object({
  id: z.uuid(),
  tenantId: TenantId,
  name: z.string(),
  permissions: z.array(OemPermission),
  createdAt: Timestamp,
  revokedAt: Timestamp.nullable(),
});
export type ScriptToken = z.infer<typeof ScriptToken>;

/** `POST /api/v1/oem/tenants/:id/tokens` (administrators). */
export const CreateScriptTokenRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(128),
  permissions: z.array(OemPermission).min(1).max(4),
});
export type CreateScriptTokenRequest = z.infer<typeof CreateScriptTokenRequest>;

/** The token itself is in `secret`, shown only in this answer. */
export const CreateScriptTokenResponse = z.object({ token: ScriptToken, secret: z.string() });
export type CreateScriptTokenResponse = z.infer<typeof CreateScriptTokenResponse>;

export const ScriptTokenList = z.object({ tokens: z.array(ScriptToken) });
export type ScriptTokenList = z.infer<typeof ScriptTokenList>;

/**
 * `GET /oem/connect?tenant=&device=&key=&nonce=&secret=`: the filled URL of `requestcontrol`.
 * Opening it once starts a session on the device; every later attempt is refused.
 */
export const OemConnectQuery = z.object({
  tenant: TenantId,
  device: RemoteControlId,
  key: DeviceKeyId,
  nonce: z.string().min(16).max(256),
  /** base64url HMAC-SHA512 (the master secret). */
  secret: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be base64url text'),
});
export type OemConnectQuery = z.input<typeof OemConnectQuery>;
