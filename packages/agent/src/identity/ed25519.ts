import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { fromBase64Url, toBase64Url } from '@tether/protocol/agent';

/**
 * Raw Ed25519 public key as base64url, the form keys travel in on the wire. It is exactly the
 * JWK `x` member, which saves parsing SPKI DER by hand.
 *
 * @example
 * const publicKey = rawPublicKey(createPublicKey(privateKey));
 */
export function rawPublicKey(key: KeyObject): string {
  const { x } = key.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new Error('Key is not an Ed25519 key.');
  return x;
}

/** A fresh identity key pair for this agent. */
export function generateIdentityKey(): { privateKey: KeyObject; publicKey: string } {
  const pair = generateKeyPairSync('ed25519');
  return { privateKey: pair.privateKey, publicKey: rawPublicKey(pair.publicKey) };
}

/** Signs a proof text; returns the signature as base64url. */
export function signText(privateKey: KeyObject, text: string): string {
  return toBase64Url(sign(null, Buffer.from(text, 'utf8'), privateKey));
}

/**
 * Checks an Ed25519 signature made by the holder of `publicKey` (raw, base64url). Returns
 * false, never throws, for malformed keys or signatures: they come from the network.
 *
 * @example
 * if (!verifyText(challenge.serverPublicKey, serverProofText(input), challenge.signature)) close();
 */
export function verifyText(publicKey: string, text: string, signature: string): boolean {
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: publicKey },
      format: 'jwk',
    });
    return verify(null, Buffer.from(text, 'utf8'), key, fromBase64Url(signature));
  } catch {
    return false; // a malformed key or signature is simply not a valid proof
  }
}

/** SHA-256 of some bytes as base64url: key pins and TLS fingerprints. */
export function sha256Base64Url(bytes: Uint8Array): string {
  return toBase64Url(createHash('sha256').update(bytes).digest());
}

/** The pin of a server key: SHA-256 of its raw bytes. Undefined when the key is not base64url. */
export function serverKeyHash(serverPublicKey: string): string | undefined {
  try {
    return sha256Base64Url(fromBase64Url(serverPublicKey));
  } catch {
    return undefined; // not base64url: cannot match any pin
  }
}
