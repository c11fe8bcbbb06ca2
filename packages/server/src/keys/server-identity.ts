import {
  verify,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { join } from 'node:path';
import { toBase64Url } from '@tether/protocol';
import { readIfExists, writeSecretFile } from './files.js';

/**
 * The server's long-lived Ed25519 signing key (DESIGN.md, Identity and trust). Installers carry
 * the SHA-256 of its public key; agents pin it.
 */
export interface ServerIdentity {
  /** Raw 32-byte public key, base64url. */
  readonly publicKey: string;
  /** base64url SHA-256 of the raw public key: the pin inside every enrolment token. */
  readonly publicKeyHash: string;
  /** Ed25519 signature of a UTF-8 text, base64url. */
  sign(text: string): string;
  /** Checks a signature made by `sign` (enrolment tokens come back to the server). */
  verify(text: string, signature: Uint8Array): boolean;
}

/** base64url SHA-256 of a raw public key given as base64url. */
export function publicKeyHash(rawPublicKey: string): string {
  return toBase64Url(createHash('sha256').update(Buffer.from(rawPublicKey, 'base64url')).digest());
}

/** The signing identity of an Ed25519 private key. */
export function identityFrom(privateKey: KeyObject): ServerIdentity {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('The server signing key is not an Ed25519 key.');
  const publicKey = jwk.x;
  return {
    publicKey,
    publicKeyHash: publicKeyHash(publicKey),
    sign: (text) => toBase64Url(sign(null, Buffer.from(text, 'utf8'), privateKey)),
    verify: (text, signature) =>
      verify(null, Buffer.from(text, 'utf8'), createPublicKey(privateKey), signature),
  };
}

/**
 * Loads `<keysDir>/server-signing.pem`, creating it (mode 0600) on first start.
 *
 * @example
 * const identity = await loadServerIdentity(join(dataDir, 'keys'));
 */
export async function loadServerIdentity(keysDir: string): Promise<ServerIdentity> {
  const file = join(keysDir, 'server-signing.pem');
  const existing = await readIfExists(file);
  if (existing) return identityFrom(createPrivateKey(existing));
  const { privateKey } = generateKeyPairSync('ed25519');
  await writeSecretFile(file, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  return identityFrom(privateKey);
}
