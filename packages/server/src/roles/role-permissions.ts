import {
  BUILT_IN_ROLE_INFO,
  ROLE_PERMISSIONS,
  isBuiltInRole,
  type Permission,
} from '@tether/protocol';
import type { RoleRepository } from '../store/role-repository.js';

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
