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

/**
 * Where a user's identity comes from: a Tether password (`local`), a directory that checks the
 * password (LDAP, RADIUS) or a single sign-on provider (SAML, OpenID Connect). Only a local
 * user has a password Tether can reset.
 */
export const UserSource = z.enum(['local', 'ldap', 'radius', 'saml', 'oidc']);
export type UserSource = z.infer<typeof UserSource>;

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
  source: UserSource,
  /**
   * Only on the signed-in user's own record (`auth.me`, sign-in): their role requires a second
   * factor and they have none, so every call but enrolment answers `SECOND_FACTOR_REQUIRED`.
   */
  mustEnrolSecondFactor: z.boolean().optional(),
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
 * Reply to `GET /api/v1/auth/me`, and to a sign-in that is complete: the user and what their role allows them now
 * (the console shows and hides actions by these, never by role names).
 */
export const LoginResponse = z.object({
  user: User,
  permissions: z.array(PermissionName),
  /** The name of the user's role (`Privileged technician`, a custom role's name). */
  roleName: z.string(),
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/**
 * How a sign-in step is answered: a code from an authenticator app (`totp`), a recovery code,
 * a passkey (WebAuthn), or a code a directory asked for (`code`: a RADIUS challenge).
 */
export const SignInMethod = z.enum(['totp', 'recovery-code', 'passkey', 'code']);
export type SignInMethod = z.infer<typeof SignInMethod>;

/**
 * A further step the sign-in needs before the session cookie is set: a second factor, or a
 * directory's challenge (RADIUS Access-Challenge). Answered with `POST /api/v1/auth/login/continue`.
 */
export const SignInStep = z.object({
  /** Opaque and short-lived; it names this sign-in attempt, not the user. */
  ticket: z.string(),
  kind: z.enum(['second-factor', 'challenge']),
  /** What to show the user: "Enter the code from your authenticator app.", the directory's prompt. */
  message: z.string(),
  /** The ways this step may be answered, the preferred first. */
  methods: z.array(SignInMethod).min(1),
  /** WebAuthn request options (JSON) when `methods` includes `passkey`. */
  passkey: z.record(z.string(), z.unknown()).optional(),
  expiresAt: Timestamp,
});
export type SignInStep = z.infer<typeof SignInStep>;

/**
 * Reply to `POST /api/v1/auth/login` and `…/login/continue`: either the signed-in user (the
 * cookie is set) or the next step.
 *
 * @example
 * const reply = await api.login({ username, password });
 * if ('step' in reply) await api.continueLogin({ ticket: reply.step.ticket, method: 'totp', code });
 */
export const SignInResponse = z.union([LoginResponse, z.object({ step: SignInStep })]);
export type SignInResponse = z.infer<typeof SignInResponse>;

/** `POST /api/v1/auth/login/continue`: the answer to a sign-in step. */
export const ContinueSignInRequest = z.object({
  ticket: z.string().min(1).max(256),
  method: SignInMethod,
  /** The code, for every method but `passkey`. */
  code: z.string().trim().min(1).max(256).optional(),
  /** The authenticator's assertion (WebAuthn `AuthenticationResponseJSON`) for `passkey`. */
  passkey: z.record(z.string(), z.unknown()).optional(),
});
export type ContinueSignInRequest = z.infer<typeof ContinueSignInRequest>;

/** Name of the session cookie. */
export const SESSION_COOKIE = 'tether_session';
