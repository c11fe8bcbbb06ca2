import { constants, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import { AppError } from '@tether/protocol';

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

/**
 * Decrypts the `encrypted_device_secret` of a `requestcontrol` reply with the device key:
 * RSA-OAEP with SHA-256 (and MGF1-SHA-256), base64url input. Returns the DeviceSecret bytes.
 *
 * @example
 * const deviceSecret = decryptDeviceSecret(reply.encryptedDeviceSecret, deviceKey);
 */
export function decryptDeviceSecret(
  encryptedDeviceSecret: string,
  deviceKey: string | KeyObject,
): Buffer {
  try {
    return privateDecrypt(
      { key: deviceKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(encryptedDeviceSecret, 'base64url'),
    );
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      'Cannot decrypt the device secret: use the device key whose device_key_id you sent to requestcontrol.',
    );
  }
}
