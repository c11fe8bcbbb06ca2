import {
  roleEndpoints,
  type CreateRoleRequest,
  type RoleView,
  type UpdateRoleRequest,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** The role calls of the API client (issue 12). Changing roles needs `roles.manage`. */
export interface RoleClient {
  /** Built-in roles first, then custom roles by name; open to every signed-in user. */
  listRoles(): Promise<RoleView[]>;
  /** Rejects with `CONFLICT` when the name is taken (built-in names included). */
  createRole(request: CreateRoleRequest): Promise<RoleView>;
  /** Renames or changes a custom role; `FORBIDDEN` for a built-in role. */
  updateRole(roleId: string, request: UpdateRoleRequest): Promise<RoleView>;
  /** `CONFLICT` while users have the role; `FORBIDDEN` for a built-in role. */
  deleteRole(roleId: string): Promise<void>;
}

/**
 * The role calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const helpdesk = await api.createRole({
 *   name: 'Helpdesk',
 *   permissions: ['devices.view', 'sessions.open'],
 * });
 * await api.updateUser(jo.id, { role: helpdesk.id });
 */
export function createRoleClient(transport: HttpTransport): RoleClient {
  return {
    listRoles: async () => (await callEndpoint(transport, roleEndpoints.list, {})).roles,
    createRole: async (request) =>
      (await callEndpoint(transport, roleEndpoints.create, { body: request })).role,
    updateRole: async (roleId, request) =>
      (
        await callEndpoint(transport, roleEndpoints.update, {
          params: { id: roleId },
          body: request,
        })
      ).role,
    deleteRole: (roleId) =>
      callEndpoint(transport, roleEndpoints.remove, { params: { id: roleId } }),
  };
}
