import { z } from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { ErrorBody } from '../errors.js';
import { Base64Url } from '../ids.js';
import { DeviceKeyFormat, OaepHash } from '../oem/compatibility.js';

/** A tenant's ID: `t` + digits (O-1). */
export const TenantId = z.string().regex(/^t\d{1,18}$/, 'must be t followed by digits');
/** A device's public remote-control ID: `r` + digits. */
export const RemoteControlId = z.string().regex(/^r\d{1,18}$/, 'must be r followed by digits');
/** Permissions a device key can carry (O-2, O-3). */
export const DeviceKeyPermission = z.enum(['attended', 'unattended']);
export type DeviceKeyPermission = z.infer<typeof DeviceKeyPermission>;

const Guid = z.uuid();

/**
 * What the server asks an agent to do for the integration API. The agent holds every device
 * key and secret; the server only forwards and never sees a private key or a DeviceSecret in
 * clear.
 */
export const OemOperation = lazySchema(() =>
  z.discriminatedUnion('op', [
    z.object({
      op: z.literal('createDeviceKey'),
      tenantId: TenantId,
      /** Must equal the request ID in the agent's current rollout file (proves it was read). */
      rolloutRequestId: Guid,
      keyPermissions: z.array(DeviceKeyPermission).min(1).max(2),
      /** How to encrypt the private key handed out: the tenant's compatibility setting decides. */
      keyFormat: DeviceKeyFormat.default('pkcs8'),
    }),
    z.object({
      op: z.literal('requestControl'),
      tenantId: TenantId,
      deviceKeyId: z.string().min(1).max(128),
      controlType: DeviceKeyPermission,
      tenantNonce: z.string().min(16).max(256),
      /** The OAEP hash of the encrypted DeviceSecret: the tenant's compatibility setting decides. */
      oaepHash: OaepHash.default('sha256'),
    }),
    z.object({
      /** The one-time URL was opened: the agent checks and consumes the master secret. */
      op: z.literal('redeemControl'),
      tenantId: TenantId,
      deviceKeyId: z.string().min(1).max(128),
      targetNonce: z.string().min(16).max(256),
      masterSecret: Base64Url.min(16).max(256),
    }),
    z.object({
      op: z.literal('deleteDeviceKey'),
      tenantId: TenantId,
      deviceKeyId: z.string().min(1).max(128),
      decommissionToken: z.string().min(16).max(256),
    }),
    z.object({
      /**
       * An integrator app was registered (O-5): its local rollout endpoint may hand the rollout
       * data to an app that proves it holds the signing key whose SPKI DER has this SHA-256.
       * Idempotent; the server sends it to the tenant's devices (again on reconnect is fine).
       */
      op: z.literal('registerApp'),
      tenantId: TenantId,
      accountId: z.string().min(1).max(128),
      keyId: z.string().min(1).max(128),
      signingKeySha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
    }),
  ]),
);
export type OemOperation = z.infer<typeof OemOperation>;
/** An operation as a sender may write it: fields with a default (the formats) may be left out. */
export type OemOperationInput = z.input<typeof OemOperation>;

/** Results, one per operation; the server validates a reply against the one it asked for. */
export const OemResults = {
  createDeviceKey: z.object({
    deviceKeyId: z.string(),
    /** The private key as an encrypted PEM (in the asked `keyFormat`); passphrase = the RolloutKey. */
    encryptedPrivateKey: z.string(),
    decommissionToken: z.string(),
  }),
  requestControl: z.object({
    /** DeviceSecret encrypted to the device key, RSA-OAEP (the asked `oaepHash`), base64url. */
    encryptedDeviceSecret: Base64Url,
    targetNonce: z.string(),
  }),
  redeemControl: z.object({ controlType: DeviceKeyPermission }),
  deleteDeviceKey: z.object({}),
  registerApp: z.object({}),
} as const;

/** server → agent */
export const OemRequestMessage = lazySchema(() =>
  z.object({
    type: z.literal('oem.request'),
    requestId: Guid,
    operation: OemOperation,
  }),
);

/** agent → server: `result` on success (checked against `OemResults[op]`), `error` otherwise. */
export const OemReplyMessage = z.object({
  type: z.literal('oem.reply'),
  requestId: Guid,
  result: z.unknown().optional(),
  error: ErrorBody.optional(),
});
