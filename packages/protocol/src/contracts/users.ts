import { z } from 'zod';
import { LoginResponse } from '../api/auth.js';
import {
  ChangePasswordRequest,
  CreateUserRequest,
  ResetUserPasswordRequest,
  UpdateAccountRequest,
  UpdateUserRequest,
  UserList,
  UserResponse,
} from '../api/users.js';
import { UserId } from '../ids.js';
import { endpoint } from './endpoint.js';

const manage = { kind: 'user', permission: 'users.manage' } as const;
const byId = z.object({ id: UserId });
const LAST_ADMINISTRATOR =
  'The last enabled administrator cannot be disabled, demoted or deleted (`CONFLICT`).';

/** Users, managed by administrators (issue 12). */
export const userEndpoints = {
  list: endpoint({
    id: 'users.list',
    method: 'GET',
    path: '/api/v1/users',
    summary: 'List users',
    description: 'Every user, enabled or disabled, by username. Deleted users are not listed.',
    access: manage,
    success: { status: 200, body: UserList },
    errors: [],
  }),
  create: endpoint({
    id: 'users.create',
    method: 'POST',
    path: '/api/v1/users',
    summary: 'Create a user',
    description:
      'The password must have at least 12 characters. With `mustChangePassword` (the default) the user has to choose a new one at their first sign-in. A username taken by another user, in any letter case, is `CONFLICT`.',
    access: manage,
    subject: 'user',
    body: CreateUserRequest,
    success: { status: 201, body: UserResponse },
    errors: ['CONFLICT'],
  }),
  update: endpoint({
    id: 'users.update',
    method: 'PATCH',
    path: '/api/v1/users/:id',
    summary: 'Change, disable or enable a user',
    description: `Disabling a user signs them out everywhere and closes their event streams and session connections at once. ${LAST_ADMINISTRATOR}`,
    access: manage,
    subject: 'user change',
    params: byId,
    body: UpdateUserRequest,
    success: { status: 200, body: UserResponse },
    errors: ['NOT_FOUND', 'CONFLICT'],
  }),
  remove: endpoint({
    id: 'users.delete',
    method: 'DELETE',
    path: '/api/v1/users/:id',
    summary: 'Delete a user',
    description: `Signs the user out everywhere. Their audit trail and recordings stay, under their name; the username becomes free. ${LAST_ADMINISTRATOR}`,
    access: manage,
    params: byId,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND', 'CONFLICT'],
  }),
  resetPassword: endpoint({
    id: 'users.resetPassword',
    method: 'POST',
    path: '/api/v1/users/:id/password',
    summary: "Reset a user's password",
    description:
      'Sets the given password (at least 12 characters) and signs the user out everywhere. With `mustChangePassword` (the default) they must choose a new one at their next sign-in.',
    access: manage,
    subject: 'password reset',
    params: byId,
    body: ResetUserPasswordRequest,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND'],
  }),
  clearSignInDelays: endpoint({
    id: 'users.clearSignInDelays',
    method: 'DELETE',
    path: '/api/v1/users/:id/sign-in-delays',
    summary: "Clear a user's sign-in delays",
    description:
      'Failed sign-ins slow further attempts per account and address, and past 100 failures an hour the account accepts sign-ins only from addresses it signed in from before. This clears both for the user, on every server of this database within a second, and is audited as `auth.unlocked`. The same as `tether admin unlock --username NAME`. If the guessing goes on it slows sign-ins again: block the addresses, or reset the password.',
    access: manage,
    params: byId,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND'],
  }),
};

/** What a signed-in user changes about themselves. */
export const accountEndpoints = {
  changePassword: endpoint({
    id: 'account.changePassword',
    method: 'POST',
    path: '/api/v1/account/password',
    summary: 'Change my password',
    description:
      'Needs the current password (a wrong one is `INVALID_INPUT`; wrong ones count against the sign-in limits, then `RATE_LIMITED`); the new one needs at least 12 characters. Ends the other sign-ins of the user; this one stays. The one call (with sign-out and `auth.me`) open to a user who must change their password.',
    access: { kind: 'user', permission: 'console.use', duringPasswordChange: true },
    listener: 'both',
    subject: 'password change',
    body: ChangePasswordRequest,
    success: { status: 200, body: LoginResponse },
    errors: ['RATE_LIMITED'],
  }),
  update: endpoint({
    id: 'account.update',
    method: 'PATCH',
    path: '/api/v1/account',
    summary: 'Change my display name',
    access: { kind: 'user', permission: 'console.use' },
    subject: 'account change',
    body: UpdateAccountRequest,
    success: { status: 200, body: LoginResponse },
    errors: [],
  }),
};
