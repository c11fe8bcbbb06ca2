import {
  createHmac,
  createPublicKey,
  generateKeyPair,
  publicEncrypt,
  constants,
} from 'node:crypto';
import { promisify } from 'node:util';
import {
  masterSecretInput,
  type DeviceKeyFormat,
  type MasterSecretInput,
  type OaepHash,
} from '@tether/protocol/agent';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Size of new device keys (RSA). 3072 bits: strength beyond 2030 at a keygen cost of ~0.5 s. */
export const DEVICE_KEY_BITS = 3072;

/** A fresh device key: the public half the device keeps and the encrypted private half it hands out. */
export interface GeneratedDeviceKey {
  /** SPKI PEM: all the device needs afterwards (it encrypts DeviceSecrets to it). */
  publicKeyPem: string;
  /** The private key encrypted with the RolloutKey, in the asked {@link DeviceKeyFormat}. */
  encryptedPrivateKeyPem: string;
}

/** Options of {@link generateDeviceKey}. */
export interface GenerateDeviceKeyOptions {
  /** The RolloutKey: passphrase of the encrypted PEM. */
  passphrase: string;
  format: DeviceKeyFormat;
  bits?: number;
}

/**
 * Creates an RSA key pair and encrypts its private key with the RolloutKey as passphrase. The
 * PEM names its own algorithm, so `openssl pkey -passin pass:<RolloutKey>` and any PEM library
 * open it: `pkcs8` is PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC); `traditional` is the
 * `RSA PRIVATE KEY` with `Proc-Type: 4,ENCRYPTED` / `DEK-Info: AES-256-CBC,<iv>` of the vendor
 * document. The private key exists only in this function's memory.
 *
 * @example
 * const { encryptedPrivateKeyPem } = await generateDeviceKey({ passphrase: rollout.RolloutKey, format: 'pkcs8' });
 */
export async function generateDeviceKey(
  options: GenerateDeviceKeyOptions,
): Promise<GeneratedDeviceKey> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: options.bits ?? DEVICE_KEY_BITS,
  });
  const encrypted = { cipher: 'aes-256-cbc', passphrase: options.passphrase } as const;
  return {
    publicKeyPem: String(publicKey.export({ type: 'spki', format: 'pem' })),
    encryptedPrivateKeyPem: String(
      options.format === 'traditional'
        ? privateKey.export({ type: 'pkcs1', format: 'pem', ...encrypted })
        : privateKey.export({ type: 'pkcs8', format: 'pem', ...encrypted }),
    ),
  };
}

/**
 * Encrypts the DeviceSecret to the device key's public half: RSA-OAEP with `oaepHash` for both
 * the label hash and MGF1, as base64url. The hash is always explicit because Node's OAEP
 * default is SHA-1; `sha1` is only used for tenants that ask for the vendor document's format.
 *
 * @example
 * const encrypted = encryptDeviceSecret({ publicKeyPem: record.publicKey, deviceSecret, oaepHash: 'sha256' });
 */
export function encryptDeviceSecret(input: {
  publicKeyPem: string;
  deviceSecret: Uint8Array;
  oaepHash: OaepHash;
}): string {
  return publicEncrypt(
    {
      key: createPublicKey(input.publicKeyPem),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: input.oaepHash,
    },
    input.deviceSecret,
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
