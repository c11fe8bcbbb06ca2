import { z } from 'zod';
import { DeviceKeyPermission, TenantId } from '../agent/oem-messages.js';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

/**
 * What an agent keeps about one device key (`<dataDir>/oem-keys/<id>.json`, 0600). Not a wire
 * message: it lives here because the agent validates everything it reads through protocol's
 * schemas. The private key never leaves the device in clear.
 *
 * @example
 * const record = DeviceKeyRecord.safeParse(JSON.parse(text));
 */
export const DeviceKeyRecord = z.object({
  deviceKeyId: z.uuid(),
  tenantId: TenantId,
  permissions: z.array(DeviceKeyPermission).min(1),
  /** PKCS#8 PEM, unencrypted: the file is 0600 in a 0700 folder. */
  privateKey: z.string().min(1),
  /** SHA-256 (hex) of the decommission token; the token itself was shown once. */
  decommissionTokenSha256: Sha256Hex,
  createdAt: z.iso.datetime(),
});
export type DeviceKeyRecord = z.infer<typeof DeviceKeyRecord>;

/**
 * One integrator app allowed to fetch rollout data from the agent's local endpoint (O-5).
 *
 * @example
 * const app: AppRegistration = { tenantId: 't1', accountId: 'a1', keyId: 'k1', signingKeySha256 };
 */
export const AppRegistration = z.object({
  tenantId: TenantId,
  accountId: z.string().min(1).max(128),
  keyId: z.string().min(1).max(128),
  /** SHA-256 (hex) of the DER SubjectPublicKeyInfo of the app's signing key. */
  signingKeySha256: Sha256Hex,
});
export type AppRegistration = z.infer<typeof AppRegistration>;

/** `<dataDir>/oem-apps.json` (0600): the registered apps. */
export const AppRegistrationsFile = z.object({ apps: z.array(AppRegistration) });
export type AppRegistrationsFile = z.infer<typeof AppRegistrationsFile>;
