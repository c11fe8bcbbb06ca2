import { z } from 'zod';

const uuid = z.uuid();

/** A device's server-side ID (UUID). @example DeviceId.parse(crypto.randomUUID()) */
export const DeviceId = uuid;
export type DeviceId = z.infer<typeof DeviceId>;

/** A remote session's ID (UUID). @example SessionId.parse(crypto.randomUUID()) */
export const SessionId = uuid;
export type SessionId = z.infer<typeof SessionId>;

/** A user's ID (UUID). */
export const UserId = uuid;
export type UserId = z.infer<typeof UserId>;

/** An installer's ID (UUID). */
export const InstallerId = uuid;
export type InstallerId = z.infer<typeof InstallerId>;

/** A recording's ID (UUID). */
export const RecordingId = uuid;
export type RecordingId = z.infer<typeof RecordingId>;

/**
 * Unpadded base64url text, the encoding of every key, nonce, signature and token on the wire.
 *
 * @example Base64Url.parse('q83v')
 */
export const Base64Url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be base64url text');

/** A one-time relay token: 32 random bytes as base64url. */
export const RelayToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a relay token');

/** Timestamps are ISO 8601 strings on the wire. @example Timestamp.parse(new Date().toISOString()) */
export const Timestamp = z.iso.datetime({ offset: true });
