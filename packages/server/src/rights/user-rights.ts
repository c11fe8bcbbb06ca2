import {
  ALL_GROUPS,
  DEVICE_RIGHTS,
  RIGHT_CEILING,
  type DeviceRight,
  type Permission,
} from '@tether/protocol';
import type { GrantRecord } from '../store/team-repository.js';

/**
 * One user's rights on device groups, computed once from their grants (a request's worth):
 * the union of the grants for a group and for all groups (`*`), within the role's ceiling.
 *
 * @example
 * const rights = userRights({ isAdministrator: false, permissions, enforced: true, grants });
 * rights.has('Servers', 'terminal');
 */
export interface UserRights {
  /** The rights on a group, in the order of `DEVICE_RIGHTS`. */
  on(group: string): DeviceRight[];
  has(group: string, right: DeviceRight): boolean;
  /** Whether the role allows the right on some group at all (the ceiling). */
  roleAllows(right: DeviceRight): boolean;
  /**
   * The groups the user has the right on, for a list query to filter by: `all` when every group
   * counts (an administrator, no grant made yet, or a grant on `*`).
   */
  groupsWith(right: DeviceRight): readonly string[] | 'all';
}

export function userRights(input: {
  /** Administrators have every right on every group. */
  isAdministrator: boolean;
  /** The role's permissions now (a custom role's from the store): the ceiling of the grants. */
  permissions: readonly Permission[];
  /** False until the organisation made its first grant: then every group counts as granted. */
  enforced: boolean;
  grants: readonly GrantRecord[];
}): UserRights {
  // Administrators have every right on every group whatever the grants say; for everyone else
  // the role's global permissions are the ceiling (an auditor never acts).
  const { isAdministrator, permissions } = input;
  const ceiling = new Set(
    DEVICE_RIGHTS.filter((right) => permissions.includes(RIGHT_CEILING[right])),
  );
  const byGroup = new Map<string, Set<DeviceRight>>();
  for (const grant of input.grants) {
    const rights = byGroup.get(grant.group) ?? new Set<DeviceRight>();
    grant.rights.forEach((right) => rights.add(right));
    byGroup.set(grant.group, rights);
  }
  const everyGroup = isAdministrator || !input.enforced;
  const has = (group: string, right: DeviceRight): boolean =>
    ceiling.has(right) &&
    (everyGroup ||
      (byGroup.get(group)?.has(right) ?? false) ||
      (byGroup.get(ALL_GROUPS)?.has(right) ?? false));
  return {
    on: (group) => DEVICE_RIGHTS.filter((right) => has(group, right)),
    has,
    roleAllows: (right) => ceiling.has(right),
    groupsWith(right) {
      if (!ceiling.has(right)) return [];
      if (everyGroup || byGroup.get(ALL_GROUPS)?.has(right)) return 'all';
      return [...byGroup].flatMap(([group, rights]) => (rights.has(right) ? [group] : []));
    },
  };
}
