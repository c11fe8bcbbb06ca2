import {
  accountEndpoints,
  userEndpoints,
  type ChangePasswordRequest,
  type CreateUserRequest,
  type ResetUserPasswordRequest,
  type UpdateAccountRequest,
  type UpdateUserRequest,
  type User,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** The user calls of the API client (issue 12). Managing users needs an administrator. */
export interface UserClient {
  listUsers(): Promise<User[]>;
  /** Rejects with `CONFLICT` when the username is taken, `INVALID_INPUT` for a short password. */
  createUser(request: CreateUserRequest): Promise<User>;
  /**
   * Changes the display name or role, or disables / enables the user. `CONFLICT` when it would
   * leave no enabled administrator.
   */
  updateUser(userId: string, request: UpdateUserRequest): Promise<User>;
  /** Their audit trail and recordings stay. `CONFLICT` for the last enabled administrator. */
  deleteUser(userId: string): Promise<void>;
  /** Sets a password and signs the user out everywhere. */
  resetUserPassword(userId: string, request: ResetUserPasswordRequest): Promise<void>;
  /** Clears the delays failed sign-ins put on the user (someone guessing their password). */
  clearUserSignInDelays(userId: string): Promise<void>;
  /** The signed-in user's own password (needs the current one); their other sign-ins end. */
  changeMyPassword(request: ChangePasswordRequest): Promise<User>;
  /** The signed-in user's own display name. */
  updateMyAccount(request: UpdateAccountRequest): Promise<User>;
}

/**
 * The user calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const jo = await api.createUser({ username: 'jo', role: 'technician', password });
 * await api.updateUser(jo.id, { disabled: true });
 */
export function createUserClient(transport: HttpTransport): UserClient {
  return {
    listUsers: async () => (await callEndpoint(transport, userEndpoints.list, {})).users,
    createUser: async (request) =>
      (await callEndpoint(transport, userEndpoints.create, { body: request })).user,
    updateUser: async (userId, request) =>
      (
        await callEndpoint(transport, userEndpoints.update, {
          params: { id: userId },
          body: request,
        })
      ).user,
    deleteUser: (userId) =>
      callEndpoint(transport, userEndpoints.remove, { params: { id: userId } }),
    resetUserPassword: (userId, request) =>
      callEndpoint(transport, userEndpoints.resetPassword, {
        params: { id: userId },
        body: request,
      }),
    clearUserSignInDelays: (userId) =>
      callEndpoint(transport, userEndpoints.clearSignInDelays, { params: { id: userId } }),
    changeMyPassword: async (request) =>
      (await callEndpoint(transport, accountEndpoints.changePassword, { body: request })).user,
    updateMyAccount: async (request) =>
      (await callEndpoint(transport, accountEndpoints.update, { body: request })).user,
  };
}
