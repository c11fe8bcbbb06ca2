import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, type Role } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { Store, UserRecord } from '../store/store.js';
import type { ExternalIdentity, GroupMapping } from '../auth/sign-in-methods.js';
import { findRoleId } from '../roles/role-permissions.js';

/** What a provider's groups give a user: a role and team names. */
export interface MappedAccess {
  role: Role;
  teams: string[];
}

/**
 * Maps a provider's groups to a role and teams (case-insensitively: directories differ in
 * how they spell a DN). Undefined when no rule matches and there is no default role.
 *
 * @example
 * mapGroups(['cn=helpdesk,ou=groups,dc=example,dc=com'], {
 *   rules: [{ group: 'cn=helpdesk,ou=groups,dc=example,dc=com', role: 'technician', teams: ['Helpdesk'] }],
 * }) // { role: 'technician', teams: ['Helpdesk'] }
 */
export function mapGroups(
  groups: readonly string[],
  mapping: GroupMapping,
): MappedAccess | undefined {
  const held = new Set(groups.map((group) => group.toLowerCase()));
  const matching = mapping.rules.filter((rule) => held.has(rule.group.toLowerCase()));
  const role = matching[0]?.role ?? mapping.defaultRole;
  if (!role) return undefined;
  const teams = [...new Set(matching.flatMap((rule) => rule.teams ?? []))];
  return { role, teams };
}

/** Gives a signed-in user the teams their provider's groups map to (the teams feature). */
export type TeamSync = (userId: string, teams: readonly string[]) => Promise<void>;

/**
 * The Tether user of someone a directory or single sign-on provider vouched for, created at
 * their first sign-in (just in time) and brought in line with the provider at every sign-in:
 * role, display name and teams follow the mapping. Refused with `AUTH_FAILED` (and a reason
 * the user can act on) when no rule maps them, when the Tether account is disabled, or when a
 * user of that name belongs to another source (a directory must not take over a local account).
 */
export async function provisionExternalUser(
  deps: { store: Store; clock: Clock; syncTeams?: TeamSync },
  identity: ExternalIdentity,
  mapping: GroupMapping,
): Promise<UserRecord> {
  const access = mapGroups(identity.groups, mapping);
  if (!access) {
    throw new AppError(
      'AUTH_FAILED',
      'Your account is not allowed to use Tether: none of your groups is mapped to a role. Ask an administrator.',
    );
  }
  access.role = await resolveRole(deps.store, access.role);
  const existing = await deps.store.users.findByUsername(identity.username);
  let user: UserRecord;
  if (!existing) {
    user = await deps.store.users.create({
      id: randomUUID(),
      username: identity.username,
      displayName: identity.displayName ?? '',
      role: access.role,
      source: identity.source,
      // Never checked: an external user has no Tether password (see `source`).
      passwordHash: `external:${randomBytes(16).toString('base64url')}`,
      createdAt: deps.clock.now(),
    });
  } else if (existing.source !== identity.source) {
    throw new AppError(
      'AUTH_FAILED',
      `A Tether account named "${identity.username}" already exists and does not sign in through ${identity.source.toUpperCase()}. Ask an administrator.`,
    );
  } else if (existing.disabledAt) {
    throw new AppError(
      'AUTH_FAILED',
      'This account is disabled. Ask an administrator to enable it.',
    );
  } else {
    const changes = {
      ...(existing.role !== access.role && { role: access.role }),
      ...(identity.displayName !== undefined &&
        identity.displayName !== existing.displayName && { displayName: identity.displayName }),
    };
    user =
      Object.keys(changes).length > 0
        ? ((await deps.store.users.update(existing.id, changes)) ?? existing)
        : existing;
  }
  // Only a mapping that manages teams changes them: one that names none leaves the teams an
  // administrator gave by hand.
  if (mapping.rules.some((rule) => (rule.teams ?? []).length > 0))
    await deps.syncTeams?.(user.id, access.teams);
  return user;
}

/**
 * The role ID a mapping means: a built-in role's ID, or a custom role's ID or name (what an
 * administrator writes in a config file). A role that does not exist refuses the sign-in: a
 * typo must not give anyone a role by accident.
 */
async function resolveRole(store: Store, role: string): Promise<Role> {
  const found = findRoleId(await store.roles.list(), role);
  if (found) return found;
  throw new AppError(
    'AUTH_FAILED',
    `Your groups map to the role "${role}", which does not exist. Ask an administrator to fix the sign-in mapping.`,
  );
}
