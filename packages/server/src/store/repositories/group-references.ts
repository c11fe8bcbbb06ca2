import type { Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { toMillis } from './columns.js';

type Trx = Transaction<Database>;

/** How many names a delete refusal quotes per kind of reference. */
const EXAMPLES = 5;

/**
 * One kind of row that names a device group. This list is the ONE place that knows who refers to
 * a group by name: a rename rewrites each of them, and a deletion asks each whether it still
 * holds the group. A new table that names groups (per-group rights, say) adds an entry here.
 */
export interface GroupReference {
  /** Plural noun for messages. */
  readonly what: string;
  /** The same noun for one. */
  readonly one: string;
  /** What the administrator does to release the group. */
  readonly hint: string;
  /**
   * `refuse`: the group cannot be deleted while these exist. `removable`: deleting removes
   * them, but only when the caller confirms (`removeAssignments`); until then they refuse too.
   */
  readonly onDelete: 'refuse' | 'removable';
  /** How many rows hold the group `name`, with a few of their names. */
  uses(trx: Trx, name: string, now: Date): Promise<{ count: number; examples: string[] }>;
  /** Rewrites `from` as `to` (the same transaction renames the group itself). */
  rename(trx: Trx, from: string, to: string): Promise<void>;
  /** For `removable` references: deletes those that hold `name`. */
  remove?(trx: Trx, name: string): Promise<void>;
}

const devices: GroupReference = {
  what: 'devices',
  one: 'device',
  hint: 'move them to another group (device page, or PUT /api/v1/devices/{id}/group)',
  onDelete: 'refuse',
  async uses(trx, name) {
    const rows = await trx
      .selectFrom('devices')
      .select('name')
      .where('group_name', '=', name)
      // A deleted device's tombstone keeps its group for the history; it holds nothing up.
      .where('deleted_at', 'is', null)
      .orderBy('name')
      .execute();
    return { count: rows.length, examples: rows.slice(0, EXAMPLES).map((row) => row.name) };
  },
  async rename(trx, from, to) {
    await trx
      .updateTable('devices')
      .set({ group_name: to })
      .where('group_name', '=', from)
      .execute();
  },
};

/** Revoked, expired and used-up installers enrol nothing: they follow renames but never block. */
const installers: GroupReference = {
  what: 'active installers',
  one: 'active installer',
  hint: 'revoke them (Installers page, or DELETE /api/v1/installers/{id})',
  onDelete: 'refuse',
  async uses(trx, name, now) {
    const rows = await trx
      .selectFrom('installers')
      .select(['id', 'comment'])
      .where('group_name', '=', name)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', toMillis(now))
      .where((eb) =>
        eb.or([eb('max_installs', 'is', null), eb('installs', '<', eb.ref('max_installs'))]),
      )
      .orderBy('created_at')
      .execute();
    return {
      count: rows.length,
      examples: rows.slice(0, EXAMPLES).map((row) => row.comment || row.id),
    };
  },
  async rename(trx, from, to) {
    await trx
      .updateTable('installers')
      .set({ group_name: to })
      .where('group_name', '=', from)
      .execute();
  },
};

/** Takes the policy write lock first, so no policy change interleaves (see policies.ts). */
async function lockPolicies(trx: Trx): Promise<void> {
  await trx
    .updateTable('policy_write_lock')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('id', '=', 1)
    .execute();
}

const policyAssignments: GroupReference = {
  what: 'policy assignments',
  one: 'policy assignment',
  hint: 'confirm their removal with the group (removeAssignments=true), or unassign the policies first',
  onDelete: 'removable',
  async uses(trx, name) {
    const rows = await trx
      .selectFrom('policy_assignments as a')
      .innerJoin('policies as p', 'p.id', 'a.policy_id')
      .select('p.name')
      .where('a.target_type', '=', 'group')
      .where('a.target', '=', name)
      .orderBy('p.name_key')
      .execute();
    return { count: rows.length, examples: rows.slice(0, EXAMPLES).map((row) => row.name) };
  },
  async rename(trx, from, to) {
    await lockPolicies(trx);
    await trx
      .updateTable('policy_assignments')
      .set({ target: to })
      .where('target_type', '=', 'group')
      .where('target', '=', from)
      .execute();
  },
  async remove(trx, name) {
    await lockPolicies(trx);
    await trx
      .deleteFrom('policy_assignments')
      .where('target_type', '=', 'group')
      .where('target', '=', name)
      .execute();
  },
};

/** Tenants store their groups as a JSON array: read, rewrite, write back. */
async function tenantsNaming(trx: Trx, name: string) {
  const rows = await trx
    .selectFrom('oem_tenants')
    .select(['id', 'name', 'groups'])
    .orderBy('name_key')
    .execute();
  return rows
    .map((row) => ({ ...row, groups: JSON.parse(row.groups) as string[] }))
    .filter((row) => row.groups.includes(name));
}

const oemTenants: GroupReference = {
  what: 'integration tenants',
  one: 'integration tenant',
  hint: "change the tenants' groups (Integrations page, or PUT /api/v1/oem/tenants/{id}/groups)",
  onDelete: 'refuse',
  async uses(trx, name) {
    const rows = await tenantsNaming(trx, name);
    return { count: rows.length, examples: rows.slice(0, EXAMPLES).map((row) => row.name) };
  },
  async rename(trx, from, to) {
    for (const tenant of await tenantsNaming(trx, from)) {
      const groups = tenant.groups.map((group) => (group === from ? to : group));
      await trx
        .updateTable('oem_tenants')
        .set({ groups: JSON.stringify(groups) })
        .where('id', '=', tenant.id)
        .execute();
    }
  },
};

/** Rights granted on the group (`*`, all groups, is not a group and never renamed). */
const grants: GroupReference = {
  what: 'grants of rights',
  one: 'grant of rights',
  hint: 'confirm their removal with the group (removeAssignments=true), or revoke them on the Teams page first',
  onDelete: 'removable',
  async uses(trx, name) {
    const rows = await trx
      .selectFrom('device_group_grants as g')
      .leftJoin('teams as t', (join) =>
        join.onRef('t.id', '=', 'g.subject_id').on('g.subject_kind', '=', 'team'),
      )
      .leftJoin('users as u', (join) =>
        join.onRef('u.id', '=', 'g.subject_id').on('g.subject_kind', '=', 'user'),
      )
      .select(['t.name as team', 'u.username as user'])
      .where('g.group_name', '=', name)
      .execute();
    const names = rows.map((row) => row.team ?? row.user ?? '').sort();
    return { count: rows.length, examples: names.slice(0, EXAMPLES) };
  },
  async rename(trx, from, to) {
    await trx
      .updateTable('device_group_grants')
      .set({ group_name: to })
      .where('group_name', '=', from)
      .execute();
  },
  async remove(trx, name) {
    await trx.deleteFrom('device_group_grants').where('group_name', '=', name).execute();
  },
};

/** Every reference to a group name (see `GroupReference`). */
export const GROUP_REFERENCES: readonly GroupReference[] = [
  devices,
  installers,
  policyAssignments,
  oemTenants,
  grants,
];
