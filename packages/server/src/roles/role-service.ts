import { randomUUID } from 'node:crypto';
import {
  AppError,
  BUILT_IN_ROLES,
  BUILT_IN_ROLE_INFO,
  CreateRoleRequest,
  ROLE_PERMISSIONS,
  UpdateRoleRequest,
  parseOrThrow,
  isBuiltInRole,
  normalisePermissions,
  type RoleView,
} from '@tether/protocol';
import { recordChange, type AdminActor } from '../audit/admin-actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { RoleChanges, RoleRecord } from '../store/role-repository.js';
import type { Store } from '../store/store.js';
import { findRoleId } from './role-permissions.js';

/** Who changes a role, as the audit log names them. */
export type RoleActor = AdminActor;

export interface RoleService {
  /** Built-in roles first (in their fixed order), then custom roles by name. */
  list(): Promise<RoleView[]>;
  /**
   * The role a user may be given: its ID when it exists; `INVALID_INPUT` naming it otherwise.
   * Accepts a role's name too (the CLI names roles), in any letter case.
   */
  resolve(idOrName: string): Promise<string>;
  create(request: CreateRoleRequest, actor: RoleActor): Promise<RoleView>;
  update(id: string, request: UpdateRoleRequest, actor: RoleActor): Promise<RoleView>;
  delete(id: string, actor: RoleActor): Promise<void>;
}

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'There is no such role (it may have been deleted).');
}

function builtInView(id: (typeof BUILT_IN_ROLES)[number], userCount: number): RoleView {
  const { name, description } = BUILT_IN_ROLE_INFO[id];
  const permissions = [...ROLE_PERMISSIONS[id]];
  return { id, name, description, permissions, builtIn: true, userCount };
}

function customView(role: RoleRecord, userCount: number): RoleView {
  const { id, name, description, permissions } = role;
  return { id, name, description, permissions, builtIn: false, userCount };
}

/**
 * Roles (issue 12): the built-in roles, fixed in code, and custom roles an administrator makes
 * as sets of permissions. The rules live here — names unique among all roles, built-in roles
 * unchangeable, a role users have not deletable — for the API and the CLI alike. Every change
 * is audited. What a role allows at a request is `permissionsOfRole`.
 */
export function createRoleService(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
}): RoleService {
  const { store, clock, audit } = deps;

  /** A built-in role's ID or name is no name for a custom role: people would confuse them. */
  function refuseBuiltInName(name: string): void {
    const key = name.toLowerCase();
    const clash = BUILT_IN_ROLES.find(
      (id) => id === key || BUILT_IN_ROLE_INFO[id].name.toLowerCase() === key,
    );
    if (clash)
      throw new AppError(
        'CONFLICT',
        `"${name}" is the name of a built-in role (${BUILT_IN_ROLE_INFO[clash].name}). Choose another name.`,
      );
  }

  function refuseBuiltIn(id: string, doing: string): void {
    if (isBuiltInRole(id))
      throw new AppError(
        'FORBIDDEN',
        `The built-in role "${BUILT_IN_ROLE_INFO[id].name}" cannot be ${doing}. Create a custom role instead.`,
      );
  }

  async function find(id: string): Promise<RoleRecord> {
    const role = await store.roles.find(id);
    if (!role) throw notFound();
    return role;
  }

  async function userCountOf(id: string): Promise<number> {
    return (await store.roles.userCounts()).get(id) ?? 0;
  }

  return {
    async list() {
      const [custom, counts] = await Promise.all([store.roles.list(), store.roles.userCounts()]);
      return [
        ...BUILT_IN_ROLES.map((id) => builtInView(id, counts.get(id) ?? 0)),
        ...custom.map((role) => customView(role, counts.get(role.id) ?? 0)),
      ];
    },

    async resolve(idOrName) {
      const found = findRoleId(await store.roles.list(), idOrName);
      if (found) return found;
      throw new AppError(
        'INVALID_INPUT',
        `There is no role "${idOrName}". The roles are listed by \`tether roles list\` and in the console's Roles page.`,
      );
    },

    async create(request, actor) {
      const input = parseOrThrow(CreateRoleRequest, request, 'role');
      refuseBuiltInName(input.name);
      const now = clock.now();
      const role = await store.roles.create({
        id: randomUUID(),
        name: input.name,
        description: input.description,
        permissions: normalisePermissions(input.permissions),
        createdAt: now,
        updatedAt: now,
      });
      await recordChange(audit, 'role.created', actor, role.name, {
        permissions: role.permissions,
      });
      return customView(role, 0);
    },

    async update(id, request, actor) {
      refuseBuiltIn(id, 'changed');
      const input = parseOrThrow(UpdateRoleRequest, request, 'role change');
      const role = await find(id);
      if (input.name !== undefined && input.name.toLowerCase() !== role.name.toLowerCase())
        refuseBuiltInName(input.name);
      const changes: RoleChanges = { updatedAt: clock.now() };
      if (input.name !== undefined && input.name !== role.name) changes.name = input.name;
      if (input.description !== undefined && input.description !== role.description)
        changes.description = input.description;
      const permissions = input.permissions && normalisePermissions(input.permissions);
      if (permissions && permissions.join() !== role.permissions.join())
        changes.permissions = permissions;
      if (Object.keys(changes).length === 1) return customView(role, await userCountOf(id));
      const changed = await store.roles.update(id, changes);
      if (!changed) throw notFound();
      const { name, description } = changes;
      await recordChange(audit, 'role.updated', actor, role.name, {
        name,
        description,
        permissions: changes.permissions,
      });
      return customView(changed, await userCountOf(id));
    },

    async delete(id, actor) {
      refuseBuiltIn(id, 'deleted');
      const role = await find(id);
      const { deleted, userCount } = await store.roles.delete(id);
      if (userCount > 0)
        throw new AppError(
          'CONFLICT',
          `The role "${role.name}" cannot be deleted: ${userCount} ${userCount === 1 ? 'user has' : 'users have'} it. Give ${userCount === 1 ? 'that user' : 'them'} another role first.`,
          { userCount },
        );
      if (!deleted) throw notFound();
      await recordChange(audit, 'role.deleted', actor, role.name);
    },
  };
}
