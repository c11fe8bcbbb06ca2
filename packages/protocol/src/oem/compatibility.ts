import { z } from 'zod';

/**
 * How a tenant's devices hand out secrets. `standard` is Tether's default; `seed-001` produces
 * exactly the formats the vendor document's sample code reads (BouncyCastle's `PemReader` and
 * `OaepEncoding(new RsaEngine())`, .NET's default OAEP), for integrators who copy that code.
 *
 * @example
 * OemCompatibility.parse('seed-001');
 */
export const OemCompatibility = z.enum(['standard', 'seed-001']);
export type OemCompatibility = z.infer<typeof OemCompatibility>;

/**
 * How the device key's private half is encrypted with the RolloutKey:
 * - `pkcs8`: `-----BEGIN ENCRYPTED PRIVATE KEY-----`, PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC);
 * - `traditional`: `-----BEGIN RSA PRIVATE KEY-----` with `Proc-Type: 4,ENCRYPTED` and
 *   `DEK-Info: AES-256-CBC,<iv>` headers (OpenSSL's legacy format; its key derivation is a
 *   single MD5 round, so it is used only when a tenant asks for it).
 *
 * @example
 * DeviceKeyFormat.parse('pkcs8');
 */
export const DeviceKeyFormat = z.enum(['pkcs8', 'traditional']);
export type DeviceKeyFormat = z.infer<typeof DeviceKeyFormat>;

/**
 * The hash of RSA-OAEP (and of its MGF1) that encrypts the DeviceSecret. SHA-1 is what
 * BouncyCastle's `OaepEncoding` and .NET's `RSAEncryptionPadding.OaepSHA1` use by default.
 *
 * @example
 * OaepHash.parse('sha256');
 */
export const OaepHash = z.enum(['sha256', 'sha1']);
export type OaepHash = z.infer<typeof OaepHash>;

/** The formats a device uses for a tenant. */
export interface OemFormats {
  keyFormat: DeviceKeyFormat;
  oaepHash: OaepHash;
}

const FORMATS: Record<OemCompatibility, OemFormats> = {
  standard: { keyFormat: 'pkcs8', oaepHash: 'sha256' },
  'seed-001': { keyFormat: 'traditional', oaepHash: 'sha1' },
};

/**
 * The formats of a compatibility setting: the one place that maps one to the other.
 *
 * @example
 * oemFormats('seed-001'); // { keyFormat: 'traditional', oaepHash: 'sha1' }
 */
export function oemFormats(compatibility: OemCompatibility): OemFormats {
  return FORMATS[compatibility];
}
