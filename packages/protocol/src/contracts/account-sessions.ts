import { z } from 'zod';
import { LoginId, SignInList, SignOutEverywhereResponse } from '../api/account-sessions.js';
import { UserId } from '../ids.js';
import { endpoint } from './endpoint.js';

const own = { kind: 'user', permission: 'console.use' } as const;
const manage = { kind: 'user', permission: 'users.manage' } as const;
const SIGN_OUT =
  'Its cookie stops working at once, and its event streams and session connections close.';
const LIST =
  'Each sign-in (a browser or client with a login cookie) that has not expired, newest first: when it began, when it was last used, when it expires, the address it signed in from, and whether it is the one asking. Never the cookie token or its hash: a sign-in is named by a non-secret ID.';

/** Where the signed-in user is signed in, and signing out there (issue 12). */
export const accountSessionEndpoints = {
  list: endpoint({
    id: 'account.sessions.list',
    method: 'GET',
    path: '/api/v1/account/sessions',
    summary: 'List my sign-ins',
    description: LIST,
    access: own,
    success: { status: 200, body: SignInList },
    errors: [],
  }),
  end: endpoint({
    id: 'account.sessions.end',
    method: 'DELETE',
    path: '/api/v1/account/sessions/:id',
    summary: 'Sign out one of my sign-ins',
    description: `${SIGN_OUT} Ending the current one signs this client out.`,
    access: own,
    params: z.object({ id: LoginId }),
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND'],
  }),
  signOutEverywhere: endpoint({
    id: 'account.sessions.signOutEverywhere',
    method: 'POST',
    path: '/api/v1/account/sessions/sign-out-everywhere',
    summary: 'Sign out everywhere else',
    description: `Ends every sign-in of mine but the one asking. ${SIGN_OUT}`,
    access: own,
    success: { status: 200, body: SignOutEverywhereResponse },
    errors: [],
  }),
};

/** An administrator's view of a user's sign-ins (issue 12). */
export const userSessionEndpoints = {
  list: endpoint({
    id: 'users.sessions.list',
    method: 'GET',
    path: '/api/v1/users/:id/sessions',
    summary: "List a user's sign-ins",
    description: LIST,
    access: manage,
    params: z.object({ id: UserId }),
    success: { status: 200, body: SignInList },
    errors: ['NOT_FOUND'],
  }),
  end: endpoint({
    id: 'users.sessions.end',
    method: 'DELETE',
    path: '/api/v1/users/:id/sessions/:sessionId',
    summary: 'Sign a user out of one sign-in',
    description: SIGN_OUT,
    access: manage,
    params: z.object({ id: UserId, sessionId: LoginId }),
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND'],
  }),
  signOutEverywhere: endpoint({
    id: 'users.sessions.signOutEverywhere',
    method: 'POST',
    path: '/api/v1/users/:id/sessions/sign-out-everywhere',
    summary: 'Sign a user out everywhere',
    description: `Ends every sign-in of the user (but the one asking, when administrators sign themselves out). ${SIGN_OUT}`,
    access: manage,
    params: z.object({ id: UserId }),
    success: { status: 200, body: SignOutEverywhereResponse },
    errors: ['NOT_FOUND'],
  }),
};
