import { z } from 'zod';
import { Base64Url, Timestamp } from '../ids.js';

/**
 * A server signing key's fingerprint: the base64url SHA-256 of its raw public key, the same
 * value installers carry as their pin.
 */
export const ServerKeyFingerprint = Base64Url.length(43);

/**
 * Where a server signing key is in its life (S-6): `current` signs everything; `previous` was
 * rotated away but agents still on it are handed over and its installers still enrol;
 * `retired` is gone: agents still on it must be enrolled again.
 */
export const ServerKeyStatus = z.enum(['current', 'previous', 'retired']);
export type ServerKeyStatus = z.infer<typeof ServerKeyStatus>;

/** One server signing key as the admin console lists it. Never the private key. */
export const ServerKeyInfo = z.object({
  fingerprint: ServerKeyFingerprint,
  /** Raw Ed25519 public key, base64url. */
  publicKey: Base64Url,
  createdAt: Timestamp,
  status: ServerKeyStatus,
  retiredAt: Timestamp.optional(),
  /** Enrolled devices whose agent last confirmed this key as its pin. */
  agentsPinned: z.int().nonnegative(),
});
export type ServerKeyInfo = z.infer<typeof ServerKeyInfo>;

/** Every server signing key, oldest first; exactly one is `current`. */
export const ServerKeyList = z.object({ keys: z.array(ServerKeyInfo) });
export type ServerKeyList = z.infer<typeof ServerKeyList>;

/** After a rotation: the new key, and how many connected agents were handed over at once. */
export const ServerKeyRotated = z.object({
  key: ServerKeyInfo,
  agentsNotified: z.int().nonnegative(),
});
export type ServerKeyRotated = z.infer<typeof ServerKeyRotated>;

/**
 * Retiring a key that agents still pin needs `confirm: true`: those agents then need a new
 * enrolment.
 */
export const RetireServerKeyRequest = z.object({ confirm: z.boolean().optional() });
export type RetireServerKeyRequest = z.infer<typeof RetireServerKeyRequest>;
