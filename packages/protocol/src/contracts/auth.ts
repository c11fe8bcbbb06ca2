import { ContinueSignInRequest, LoginRequest, LoginResponse, SignInResponse } from '../api/auth.js';
import { endpoint } from './endpoint.js';

/** Signing in and out of the console (issue 2 §3): a session cookie, nothing else. */
export const authEndpoints = {
  login: endpoint({
    id: 'auth.login',
    method: 'POST',
    path: '/api/v1/auth/login',
    summary: 'Sign in',
    description:
      "Sets the session cookie `tether_session` (HttpOnly, Secure, SameSite=Strict), which every `consoleSession` endpoint needs; it lapses after a period without use. When `user.mustChangePassword` is true, the user must change their password (`POST /api/v1/account/password`) before anything else. A disabled user is refused with `AUTH_FAILED`. Repeated failures from one source or for one user are throttled with `RATE_LIMITED` (`details.retryAfterSec`, and a `Retry-After` header). When the sign-in needs a further step (a second factor, a directory's challenge) the reply is `{ step }` instead of `{ user }` and no cookie is set yet: answer it with `POST /api/v1/auth/login/continue`.",
    access: { kind: 'public' },
    listener: 'both',
    subject: 'sign-in request',
    body: LoginRequest,
    success: { status: 200, body: SignInResponse },
    errors: ['INVALID_INPUT', 'AUTH_FAILED', 'RATE_LIMITED'],
  }),
  continueLogin: endpoint({
    id: 'auth.continueLogin',
    method: 'POST',
    path: '/api/v1/auth/login/continue',
    summary: 'Answer a sign-in step',
    description:
      "Answers the `step` a sign-in returned (a second factor, a directory's challenge) with its `ticket`. Replies `{ user }` and sets the session cookie when the sign-in is complete, or `{ step }` when another step follows. A wrong answer is `AUTH_FAILED` and counts like a wrong password (`RATE_LIMITED` after too many); an unknown or expired ticket is `AUTH_FAILED`: sign in again.",
    access: { kind: 'public' },
    listener: 'both',
    subject: 'sign-in answer',
    body: ContinueSignInRequest,
    success: { status: 200, body: SignInResponse },
    errors: ['INVALID_INPUT', 'AUTH_FAILED', 'RATE_LIMITED'],
  }),
  logout: endpoint({
    id: 'auth.logout',
    method: 'POST',
    path: '/api/v1/auth/logout',
    summary: 'Sign out',
    description:
      'Ends the session of this cookie and clears it; event streams opened with it end too.',
    listener: 'both',
    access: {
      kind: 'user',
      permission: 'console.use',
      duringPasswordChange: true,
      duringSecondFactorEnrolment: true,
    },
    success: { status: 204, body: undefined },
    errors: [],
  }),
  me: endpoint({
    id: 'auth.me',
    method: 'GET',
    path: '/api/v1/auth/me',
    summary: 'Who is signed in',
    description:
      'The user of the session cookie; `AUTH_REQUIRED` when nobody is signed in. `user.mustChangePassword` says they must change their password before anything else.',
    listener: 'both',
    access: {
      kind: 'user',
      permission: 'console.use',
      duringPasswordChange: true,
      duringSecondFactorEnrolment: true,
    },
    success: { status: 200, body: LoginResponse },
    errors: [],
  }),
};
