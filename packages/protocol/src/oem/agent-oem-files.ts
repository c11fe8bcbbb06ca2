import { z } from 'zod';
import { DeviceKeyPermission, TenantId } from '../agent/oem-messages.js';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

const DeviceKeyFields = {
  deviceKeyId: z.uuid(),
  tenantId: TenantId,
  permissions: z.array(DeviceKeyPermission).min(1),
  /** SHA-256 (hex) of the decommission token; the token itself was shown once. */
  decommissionTokenSha256: Sha256Hex,
  createdAt: z.iso.datetime(),
};

/**
 * What an agent keeps about one device key (`<dataDir>/oem-keys/<id>.json`, 0600). Not a wire
 * message: it lives here because the agent validates everything it reads through protocol's
 * schemas. Only the public half is kept: the device encrypts DeviceSecrets to it and never
 * needs the private half once it has handed it out, encrypted, to the integrator.
 *
 * @example
 * const record = DeviceKeyRecord.safeParse(JSON.parse(text));
 */
export const DeviceKeyRecord = z.object({
  ...DeviceKeyFields,
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
  publicKey: z.string().min(1),
});
export type DeviceKeyRecord = z.infer<typeof DeviceKeyRecord>;

/**
 * A device key file written by agents before they kept only the public half: it holds the
 * clear PKCS#8 private key. Agents read it once to rewrite it as a {@link DeviceKeyRecord}.
 *
 * @example
 * const legacy = LegacyDeviceKeyRecord.safeParse(JSON.parse(text));
 */
export const LegacyDeviceKeyRecord = z.object({
  ...DeviceKeyFields,
  privateKey: z.string().min(1),
});
export type LegacyDeviceKeyRecord = z.infer<typeof LegacyDeviceKeyRecord>;

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
