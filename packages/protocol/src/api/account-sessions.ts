import { z } from 'zod';
import { Timestamp } from '../ids.js';

/**
 * The non-secret ID of one sign-in (a console login); never the cookie token or its hash.
 *
 * @example
 * await api.endMySignIn(LoginId.parse(signIn.id));
 */
export const LoginId = z.uuid();
export type LoginId = z.infer<typeof LoginId>;

/**
 * One place a user is signed in (a browser's login cookie), as the user and administrators see it.
 *
 * @example
 * const { sessions } = await api.listMySignIns();
 * const others = sessions.filter((session) => !session.isCurrent);
 */
export const SignIn = z.object({
  id: LoginId,
  createdAt: Timestamp,
  /** When the login was last used, to the minute (the expiry slides at most once a minute). */
  lastUsedAt: Timestamp,
  /** When it ends unless used again before. */
  expiresAt: Timestamp,
  /** The address the user signed in from. */
  sourceAddress: z.string(),
  /** The login of the request that asked: signing it out signs this browser out. */
  isCurrent: z.boolean(),
});
export type SignIn = z.infer<typeof SignIn>;

/**
 * `GET /api/v1/account/sessions` and `GET /api/v1/users/:id/sessions`: newest first.
 *
 * @example
 * const { sessions } = SignInList.parse(await response.json());
 */
export const SignInList = z.object({ sessions: z.array(SignIn) });
export type SignInList = z.infer<typeof SignInList>;

/**
 * `POST …/sign-out-everywhere`: how many sign-ins ended.
 *
 * @example
 * const { ended } = SignOutEverywhereResponse.parse(await response.json());
 */
export const SignOutEverywhereResponse = z.object({ ended: z.number().int().nonnegative() });
export type SignOutEverywhereResponse = z.infer<typeof SignOutEverywhereResponse>;
