import { z } from 'zod';
import {
  CreateRoleRequest,
  RoleId,
  RoleList,
  RoleResponse,
  UpdateRoleRequest,
} from '../api/roles.js';
import { endpoint } from './endpoint.js';

const manage = { kind: 'user', permission: 'roles.manage' } as const;
const byId = z.object({ id: RoleId });
const BUILT_IN = 'Built-in roles cannot be changed or deleted (`FORBIDDEN`).';

/**
 * Roles (issue 12): the built-in ones and custom roles, each a set of permissions. A user's
 * role and a role's permissions take effect at the user's next request.
 *
 * @example
 * const { role } = await callEndpoint(transport, roleEndpoints.create, {
 *   body: { name: 'Helpdesk', permissions: ['devices.view', 'sessions.open'] },
 * });
 */
export const roleEndpoints = {
  list: endpoint({
    id: 'roles.list',
    method: 'GET',
    path: '/api/v1/roles',
    summary: 'List roles',
    description:
      'Built-in roles first, then custom roles by name; each with its permissions and how many users have it. Open to every signed-in user: the console names roles with it.',
    access: { kind: 'user', permission: 'console.use' },
    // The admin console's sign-in sections name roles too.
    listener: 'both',
    success: { status: 200, body: RoleList },
    errors: [],
  }),
  create: endpoint({
    id: 'roles.create',
    method: 'POST',
    path: '/api/v1/roles',
    summary: 'Create a custom role',
    description:
      'A name (unique in any letter case, built-in names included: `CONFLICT`), a description and the set of permissions; `console.use` is always added.',
    access: manage,
    subject: 'role',
    body: CreateRoleRequest,
    success: { status: 201, body: RoleResponse },
    errors: ['CONFLICT'],
  }),
  update: endpoint({
    id: 'roles.update',
    method: 'PATCH',
    path: '/api/v1/roles/:id',
    summary: 'Rename or change a custom role',
    description: `The users who have the role get its new permissions at their next request. ${BUILT_IN}`,
    access: manage,
    subject: 'role change',
    params: byId,
    body: UpdateRoleRequest,
    success: { status: 200, body: RoleResponse },
    errors: ['NOT_FOUND', 'CONFLICT', 'FORBIDDEN'],
  }),
  remove: endpoint({
    id: 'roles.delete',
    method: 'DELETE',
    path: '/api/v1/roles/:id',
    summary: 'Delete a custom role',
    description: `A role that users have cannot be deleted (\`CONFLICT\`, naming how many): give them another role first. ${BUILT_IN}`,
    access: manage,
    params: byId,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND', 'CONFLICT', 'FORBIDDEN'],
  }),
};
