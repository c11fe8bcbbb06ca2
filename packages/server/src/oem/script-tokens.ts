import { createHash, randomBytes, randomInt } from 'node:crypto';

/** Prefix of every script token, so a leaked one is recognisable in logs and scanners. */
const TOKEN_PREFIX = 'tether_oem_';

/** SHA-256 of a script token (base64url): what the store keeps. */
export function hashScriptToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/**
 * A new script token: 32 random bytes, shown once; only its hash is stored.
 *
 * @example
 * const { secret, hash } = newScriptToken();
 */
export function newScriptToken(): { secret: string; hash: string } {
  const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashScriptToken(secret) };
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S{1,256})\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * A random public ID: `prefix` + 9 digits (never a leading zero, so the number reads the same
 * in every tool). Used for tenants (`t`) and remote-control IDs (`r`).
 */
export function randomPublicId(prefix: 't' | 'r'): string {
  return `${prefix}${randomInt(100_000_000, 1_000_000_000)}`;
}
