import { createPublicKey, verify } from 'node:crypto';

/**
 * Whether `signature` (base64url) is the Ed25519 signature of `text` by the device key
 * `publicKey` (the JWK `x`, base64url) it enrolled with.
 */
export function verifyAgentSignature(publicKey: string, text: string, signature: string): boolean {
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: publicKey },
      format: 'jwk',
    });
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false; // a malformed key or signature is simply a failed proof
  }
}
