import { z } from 'zod';
import { Timestamp, UserId } from '../ids.js';
import { PermissionName } from './permissions.js';
import { RoleId } from './roles.js';

/**
 * The role a user has, by role ID: a built-in role's name (`administrator`, `privileged`,
 * `technician`, `auditor`) or a custom role's ID.
 */
export const Role = RoleId;
export type Role = RoleId;

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

/**
 * Reply to a login and to `GET /api/v1/auth/me`: the user and what their role allows them now
 * (the console shows and hides actions by these, never by role names).
 */
export const LoginResponse = z.object({
  user: User,
  permissions: z.array(PermissionName),
  /** The name of the user's role (`Privileged technician`, a custom role's name). */
  roleName: z.string(),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/** Name of the session cookie. */
export const SESSION_COOKIE = 'tether_session';
