import { z } from 'zod';
import { Timestamp, UserId } from '../ids.js';

/** Roles. */
export const Role = z.enum(['administrator', 'privileged', 'technician']);
export type Role = z.infer<typeof Role>;

/** A user as the API shows it: never a hash, never a secret. */
export const User = z.object({
  id: UserId,
  username: z.string(),
  /** What the console shows instead of the username; empty when none was given. */
  displayName: z.string(),
  role: Role,
  createdAt: Timestamp,
  /** A disabled user cannot sign in. */
  disabled: z.boolean(),
  /**
   * The user must choose a new password (`POST /api/v1/account/password`) before anything
   * else; every other call answers `PASSWORD_CHANGE_REQUIRED` until then.
   */
  mustChangePassword: z.boolean(),
});
export type User = z.infer<typeof User>;

/**
 * `POST /api/v1/auth/login`. Sets an HttpOnly, Secure, SameSite=Strict cookie on success.
 *
 * @example
 * await api.login({ username: 'admin', password });
 */
export const LoginRequest = z.object({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** Reply to a login and to `GET /api/v1/auth/me`. */
export const LoginResponse = z.object({ user: User });
export type LoginResponse = z.infer<typeof LoginResponse>;

/** Name of the session cookie. */
export const SESSION_COOKIE = 'tether_session';
