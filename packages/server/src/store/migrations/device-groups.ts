import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Epoch milliseconds (see schema.ts). */
type Millis = number;

/**
 * A device group (issue 12). Devices, installers, policy assignments and integration tenants
 * keep naming a group by its `name` (what agents, policies and grants use); a rename updates
 * them all in one transaction (`repositories/group-references.ts`).
 */
export interface DeviceGroupsTable {
  id: string;
  name: string;
  /** `name` folded to lower case; unique, so names are unique case-insensitively. */
  name_key: string;
  description: string;
  created_at: Millis;
}

declare module '../schema.js' {
  interface Database {
    device_groups: DeviceGroupsTable;
  }
}

/** The group a new server starts with, so the first installer has a group to pick. */
export const FIRST_GROUP = {
  name: 'Default',
  description: 'Devices not sorted into another group yet.',
} as const;

/** Folded in JS, not with SQL `lower()` (SQLite folds only ASCII; PostgreSQL folds all). */
export function groupNameKey(name: string): string {
  return name.toLowerCase();
}

/**
 * Creates `device_groups` with one group for every name already in use — by devices,
 * installers, policy assignments or integration tenants — so nothing stored loses its group.
 * Names that differ only in letter case become one group (the first spelling in sort order);
 * their references are rewritten to that spelling. A database with no group yet gets `Default`.
 */
export async function createDeviceGroups(untyped: Kysely<unknown>): Promise<void> {
  await untyped.schema
    .createTable('device_groups')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('name_key', 'text', (col) => col.notNull().unique())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  // The tables read here are those of migrations 0001, 0002 and 0004, as they were then.
  const db = untyped as Kysely<Database>;
  const names = await namesInUse(db);
  const canonical = new Map<string, string>();
  for (const name of [...names].sort()) {
    const key = groupNameKey(name);
    const first = canonical.get(key);
    if (first === undefined) canonical.set(key, name);
    else await mergeSpelling(db, name, first);
  }
  const now = Date.now();
  const groups =
    canonical.size > 0
      ? [...canonical.values()].map((name) => ({ name, description: '' }))
      : [FIRST_GROUP];
  for (const group of groups) {
    await db
      .insertInto('device_groups')
      .values({
        id: randomUUID(),
        name: group.name,
        name_key: groupNameKey(group.name),
        description: group.description,
        created_at: now,
      })
      .execute();
  }
}

async function namesInUse(db: Kysely<Database>): Promise<Set<string>> {
  const devices = await db.selectFrom('devices').select('group_name').distinct().execute();
  const installers = await db.selectFrom('installers').select('group_name').distinct().execute();
  const assignments = await db
    .selectFrom('policy_assignments')
    .select('target')
    .where('target_type', '=', 'group')
    .distinct()
    .execute();
  const tenants = await db.selectFrom('oem_tenants').select('groups').execute();
  return new Set([
    ...devices.map((row) => row.group_name),
    ...installers.map((row) => row.group_name),
    ...assignments.map((row) => row.target),
    ...tenants.flatMap((row) => tenantGroups(row.groups)),
  ]);
}

function tenantGroups(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];
}

/** Rewrites every reference to `spelling` as `canonical` (same name, other letter case). */
async function mergeSpelling(
  db: Kysely<Database>,
  spelling: string,
  canonical: string,
): Promise<void> {
  await db
    .updateTable('devices')
    .set({ group_name: canonical })
    .where('group_name', '=', spelling)
    .execute();
  await db
    .updateTable('installers')
    .set({ group_name: canonical })
    .where('group_name', '=', spelling)
    .execute();
  // A policy assigned to both spellings keeps one assignment (the key includes the name).
  await db
    .deleteFrom('policy_assignments')
    .where('target_type', '=', 'group')
    .where('target', '=', spelling)
    .where('policy_id', 'in', (eb) =>
      eb
        .selectFrom('policy_assignments')
        .select('policy_id')
        .where('target_type', '=', 'group')
        .where('target', '=', canonical),
    )
    .execute();
  await db
    .updateTable('policy_assignments')
    .set({ target: canonical })
    .where('target_type', '=', 'group')
    .where('target', '=', spelling)
    .execute();
  for (const tenant of await db.selectFrom('oem_tenants').select(['id', 'groups']).execute()) {
    const groups = tenantGroups(tenant.groups);
    if (!groups.includes(spelling)) continue;
    const merged = [...new Set(groups.map((group) => (group === spelling ? canonical : group)))];
    await db
      .updateTable('oem_tenants')
      .set({ groups: JSON.stringify(merged) })
      .where('id', '=', tenant.id)
      .execute();
  }
}
