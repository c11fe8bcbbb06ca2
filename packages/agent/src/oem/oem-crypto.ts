import {
  createHmac,
  createPublicKey,
  generateKeyPair,
  publicEncrypt,
  constants,
} from 'node:crypto';
import { promisify } from 'node:util';
import { masterSecretInput, type MasterSecretInput } from '@tether/protocol';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Size of new device keys (RSA). 3072 bits: strength beyond 2030 at a keygen cost of ~0.5 s. */
export const DEVICE_KEY_BITS = 3072;

/** A fresh device key: the clear PKCS#8 PEM kept on the device and the encrypted one handed out. */
export interface GeneratedDeviceKey {
  privateKeyPem: string;
  /** PKCS#8 `ENCRYPTED PRIVATE KEY` PEM: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC. */
  encryptedPrivateKeyPem: string;
}

/**
 * Creates an RSA key pair and encrypts its private key with the RolloutKey as passphrase. The
 * PEM names its own algorithm, so `openssl pkey -passin pass:<RolloutKey>` and any PEM library
 * open it.
 *
 * @example
 * const { encryptedPrivateKeyPem } = await generateDeviceKey(rollout.RolloutKey);
 */
export async function generateDeviceKey(
  passphrase: string,
  bits: number = DEVICE_KEY_BITS,
): Promise<GeneratedDeviceKey> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits });
  return {
    privateKeyPem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })),
    encryptedPrivateKeyPem: String(
      privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }),
    ),
  };
}

/**
 * Encrypts the DeviceSecret to the device key: RSA-OAEP with SHA-256 (and MGF1-SHA-256), as
 * base64url. SHA-256 is explicit because Node's OAEP default is SHA-1.
 *
 * @example
 * const encrypted = encryptDeviceSecret(record.privateKey, deviceSecret);
 */
export function encryptDeviceSecret(privateKeyPem: string, deviceSecret: Uint8Array): string {
  return publicEncrypt(
    {
      key: createPublicKey(privateKeyPem),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
    },
    deviceSecret,
  ).toString('base64url');
}

/**
 * The one-time master secret: base64url(HMAC-SHA512(DeviceSecret, masterSecretInput(...))).
 *
 * @example
 * const masterSecret = computeMasterSecret(deviceSecret, { tenantNonce, targetNonce, tenantId, remoteControlId });
 */
export function computeMasterSecret(deviceSecret: Uint8Array, input: MasterSecretInput): string {
  return createHmac('sha512', deviceSecret)
    .update(masterSecretInput(input), 'utf8')
    .digest('base64url');
}
