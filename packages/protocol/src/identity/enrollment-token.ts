import { z } from 'zod';
import { fromBase64Url, toBase64Url, utf8 } from '../base64url.js';
import { Base64Url, InstallerId } from '../ids.js';

/** Prefix of every enrolment token; the digit is the token format version. */
export const ENROLLMENT_TOKEN_PREFIX = 'tet1';

/**
 * What an enrolment token says. It is signed by the server's Ed25519 key; `serverKeyHash` is
 * what the agent pins, so no other server (nor a TLS-terminating proxy) can take its place.
 *
 * @example
 * const claims: EnrollmentClaims = { installerId, group: 'Default', serverKeyHash, exp: 1767225600, iat: 1767222000 };
 */
export const EnrollmentClaims = z.object({
  installerId: InstallerId,
  group: z.string().min(1).max(128),
  serverKeyHash: Base64Url,
  /** Expiry, seconds since the epoch. */
  exp: z.int().positive(),
  /** Issue time, seconds since the epoch. */
  iat: z.int().positive(),
});
export type EnrollmentClaims = z.infer<typeof EnrollmentClaims>;

/**
 * The bytes the server signs: `tet1.<claims as base64url JSON>`.
 *
 * @example
 * const signed = enrollmentSigningInput(claims); // sign with the server key, then formatEnrollmentToken
 */
export function enrollmentSigningInput(claims: EnrollmentClaims): string {
  return `${ENROLLMENT_TOKEN_PREFIX}.${toBase64Url(utf8.encode(JSON.stringify(claims)))}`;
}

/** Joins the signing input and the signature into the token handed to administrators. */
export function formatEnrollmentToken(signingInput: string, signature: Uint8Array): string {
  return `${signingInput}.${toBase64Url(signature)}`;
}

/** A token split into the parts a verifier needs. Verifying the signature is the caller's job. */
export interface ParsedEnrollmentToken {
  claims: EnrollmentClaims;
  signingInput: string;
  signature: Uint8Array;
}

/**
 * Splits and validates the shape of a token; returns `undefined` for anything malformed so
 * callers give one clear "not a valid enrolment token" error.
 *
 * @example
 * const parsed = parseEnrollmentToken(text);
 * if (!parsed || !verify(parsed.signingInput, parsed.signature)) refuse();
 */
export function parseEnrollmentToken(token: string): ParsedEnrollmentToken | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== ENROLLMENT_TOKEN_PREFIX) return undefined;
  const [prefix, body, signature] = parts as [string, string, string];
  try {
    const claims = EnrollmentClaims.safeParse(JSON.parse(utf8.decode(fromBase64Url(body))));
    if (!claims.success) return undefined;
    return {
      claims: claims.data,
      signingInput: `${prefix}.${body}`,
      signature: fromBase64Url(signature),
    };
  } catch {
    return undefined; // not base64url or not JSON: malformed, reported by the caller
  }
}
