import { constants, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import { AppError, type OaepHash } from '@tether/protocol';

/**
 * Decrypts the device key that `createdevicekey` returned, with the RolloutKey of the rollout
 * file the request used, and returns it as a clear PKCS#8 PEM to store in your product
 * (encrypted at rest on your side). Reads any PEM that names its algorithm: Tether's PKCS#8
 * `ENCRYPTED PRIVATE KEY` (PBES2, AES-256-CBC) and the legacy `RSA PRIVATE KEY` with
 * `Proc-Type: 4,ENCRYPTED` / `DEK-Info: AES-256-CBC,…` of the vendor document.
 *
 * @example
 * const rollout = await readRolloutFile('/var/lib/tether-agent/rollout.json');
 * const created = await oem.createDeviceKey({ tenantId, rollout, keyPermissions: ['attended'] });
 * const deviceKey = decryptDeviceKey(created.encryptedDeviceKey, rollout.rolloutKey);
 */
export function decryptDeviceKey(encryptedPem: string, rolloutKey: string): string {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: encryptedPem, format: 'pem', passphrase: rolloutKey });
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      'Cannot decrypt the device key: use the RolloutKey of the rollout file read just before createdevicekey (each key works for one request).',
    );
  }
  return String(key.export({ type: 'pkcs8', format: 'pem' }));
}

/** Options of {@link decryptDeviceSecret}. */
export interface DecryptDeviceSecretOptions {
  /**
   * The OAEP hash the device used: `sha256` (standard tenants) or `sha1` (tenants with the
   * `seed-001` compatibility setting). Left out, both are tried, SHA-256 first.
   */
  oaepHash?: OaepHash;
}

/**
 * Decrypts the `encrypted_device_secret` of a `requestcontrol` reply with the device key:
 * RSA-OAEP (SHA-256, or SHA-1 for `seed-001` tenants, for both hash and MGF1), base64url
 * input. Returns the DeviceSecret bytes. OAEP checks the hash of its label on decryption, so a
 * wrong hash fails instead of returning other bytes: trying both is safe.
 *
 * @example
 * const deviceSecret = decryptDeviceSecret(reply.encryptedDeviceSecret, deviceKey);
 */
export function decryptDeviceSecret(
  encryptedDeviceSecret: string,
  deviceKey: string | KeyObject,
  options: DecryptDeviceSecretOptions = {},
): Buffer {
  const encrypted = Buffer.from(encryptedDeviceSecret, 'base64url');
  const hashes: OaepHash[] = options.oaepHash ? [options.oaepHash] : ['sha256', 'sha1'];
  const key = typeof deviceKey === 'string' ? readPrivateKey(deviceKey) : deviceKey;
  for (const oaepHash of hashes) {
    try {
      return privateDecrypt(
        { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash },
        encrypted,
      );
    } catch {
      // Not this hash (or not this key): the next one, or the error below.
      continue;
    }
  }
  throw new AppError(
    'INVALID_INPUT',
    'Cannot decrypt the device secret: use the device key whose device_key_id you sent to requestcontrol.',
  );
}

function readPrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      'The device key is not a readable private key PEM; pass the key decryptDeviceKey returned.',
    );
  }
}
