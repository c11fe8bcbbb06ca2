import { ROLE_PERMISSIONS, type Permission, type User } from '@tether/protocol';

/**
 * Whether the signed-in user's role grants `permission` (the server checks it again); for
 * hiding actions the user may not take.
 *
 * @example
 * if (hasPermission(user, 'groups.manage')) showNewGroupShortcut();
 */
export function hasPermission(user: User, permission: Permission): boolean {
  return ROLE_PERMISSIONS[user.role].includes(permission);
}
