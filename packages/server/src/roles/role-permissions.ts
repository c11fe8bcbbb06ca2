import {
  BUILT_IN_ROLES,
  BUILT_IN_ROLE_INFO,
  ROLE_PERMISSIONS,
  isBuiltInRole,
  type Permission,
} from '@tether/protocol';
import type { RoleRecord, RoleRepository } from '../store/role-repository.js';

/** A user's role as it stands at this request. */
export interface EffectiveRole {
  /** What people call it (`Privileged technician`, `Helpdesk`). */
  name: string;
  permissions: readonly Permission[];
}

/**
 * The one lookup of what a role allows: a built-in role's permissions from code, a custom
 * role's from the store. Read at every request (one row by primary key for a custom role), so a
 * changed role or a user's new role takes effect at the next request with no cache to go stale.
 * A role that no longer exists allows nothing (fail closed).
 *
 * @example
 * const { permissions } = await lookUpRole(store.roles, user.role);
 */
export async function lookUpRole(
  roles: Pick<RoleRepository, 'find'>,
  roleId: string,
): Promise<EffectiveRole> {
  if (isBuiltInRole(roleId))
    return { name: BUILT_IN_ROLE_INFO[roleId].name, permissions: ROLE_PERMISSIONS[roleId] };
  const role = await roles.find(roleId);
  return role ?? { name: 'Deleted role', permissions: [] };
}

/**
 * The ID of the role `idOrName` names: a built-in role by ID or name, a custom role by ID or
 * name (names case-insensitively), among `customRoles`; undefined when there is none. The one
 * reading of the role a person typed (CLI, import file, directory mapping, settings).
 *
 * @example
 * findRoleId(await store.roles.list(), 'helpdesk') // the custom role Helpdesk's ID
 */
export function findRoleId(
  customRoles: readonly Pick<RoleRecord, 'id' | 'name'>[],
  idOrName: string,
): string | undefined {
  if (isBuiltInRole(idOrName)) return idOrName;
  const key = idOrName.toLowerCase();
  const builtIn = BUILT_IN_ROLES.find((id) => BUILT_IN_ROLE_INFO[id].name.toLowerCase() === key);
  if (builtIn) return builtIn;
  return customRoles.find((role) => role.id === idOrName || role.name.toLowerCase() === key)?.id;
}
