import { AppError, PolicySettings, type PolicyTarget } from '@tether/protocol';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { isUniqueViolation } from '../engine.js';
import type { PoliciesTable, PolicyAssignmentsTable } from '../migrations/policies.js';
import type {
  PoliciesAtTarget,
  PolicyChangeCheck,
  PolicyRecord,
  PolicyRepository,
  PolicyWithAssignments,
} from '../policy-repository.js';
import type { Database } from '../schema.js';
import { fromMillis, parseJsonColumn, toMillis } from './columns.js';

type Db = Kysely<Database> | Transaction<Database>;
type AssignmentRow = Pick<PolicyAssignmentsTable, 'target_type' | 'target'>;

/** Policies and their assignments on either engine. */
export function createPolicyRepository(db: Kysely<Database>): PolicyRepository {
  return {
    async create(policy) {
      await uniqueName(policy.name, () =>
        db.insertInto('policies').values(toRow(policy)).execute(),
      );
      return { ...policy, assignments: [] };
    },
    find: (id) => findWithAssignments(db, id),
    async list() {
      const rows = await db.selectFrom('policies').selectAll().orderBy('name_key').execute();
      const assignments = await db
        .selectFrom('policy_assignments')
        .selectAll()
        .orderBy('target_type', 'desc')
        .orderBy('target')
        .execute();
      const byPolicy = new Map<string, PolicyTarget[]>();
      for (const assignment of assignments) {
        const list = byPolicy.get(assignment.policy_id) ?? [];
        list.push(toTarget(assignment));
        byPolicy.set(assignment.policy_id, list);
      }
      return rows.map((row) => ({ ...toRecord(row), assignments: byPolicy.get(row.id) ?? [] }));
    },
    update: (id, change, check) =>
      writeChecked(db, id, check, async (trx) => {
        const result = await uniqueName(change.name, () =>
          trx
            .updateTable('policies')
            .set({
              name: change.name,
              name_key: nameKey(change.name),
              description: change.description,
              settings: JSON.stringify(change.settings),
              updated_at: toMillis(change.updatedAt),
            })
            .where('id', '=', id)
            .executeTakeFirst(),
        );
        return result.numUpdatedRows > 0n;
      }),
    async delete(id) {
      const result = await db.deleteFrom('policies').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    setAssignments: (id, change, check) =>
      writeChecked(db, id, check, async (trx) => {
        const touched = await trx
          .updateTable('policies')
          .set({ updated_at: toMillis(change.updatedAt) })
          .where('id', '=', id)
          .executeTakeFirst();
        if (touched.numUpdatedRows === 0n) return false;
        await trx.deleteFrom('policy_assignments').where('policy_id', '=', id).execute();
        const rows = uniqueRows(change.assignments).map((row) => ({ policy_id: id, ...row }));
        if (rows.length > 0) await trx.insertInto('policy_assignments').values(rows).execute();
        return true;
      }),
    async forDevice(device) {
      const rows = await db
        .selectFrom('policy_assignments as a')
        .innerJoin('policies as p', 'p.id', 'a.policy_id')
        .selectAll('p')
        .select('a.target_type')
        .where((eb) =>
          eb.or([
            eb.and([eb('a.target_type', '=', 'device'), eb('a.target', '=', device.id)]),
            eb.and([eb('a.target_type', '=', 'group'), eb('a.target', '=', device.group)]),
          ]),
        )
        .orderBy('p.name_key')
        .execute();
      return rows.map((row) => ({ policy: toRecord(row), level: row.target_type }));
    },
  };
}

/**
 * Runs a policy write in a transaction that first bumps the write-lock row (serialising policy
 * writes on PostgreSQL), then lets `check` veto the result. Undefined when `write` found no policy.
 */
async function writeChecked(
  db: Kysely<Database>,
  id: string,
  check: PolicyChangeCheck | undefined,
  write: (trx: Transaction<Database>) => Promise<boolean>,
): Promise<PolicyWithAssignments | undefined> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('policy_write_lock')
      .set((eb) => ({ revision: eb('revision', '+', 1) }))
      .where('id', '=', 1)
      .execute();
    if (!(await write(trx))) return undefined;
    if (check) check(await policiesAtTargetsOf(trx, id));
    return findWithAssignments(trx, id);
  });
}

/** For every group or device the policy is assigned to: all policies assigned there. */
async function policiesAtTargetsOf(trx: Db, id: string): Promise<PoliciesAtTarget[]> {
  const rows = await trx
    .selectFrom('policy_assignments as mine')
    .innerJoin('policy_assignments as other', (join) =>
      join
        .onRef('other.target_type', '=', 'mine.target_type')
        .onRef('other.target', '=', 'mine.target'),
    )
    .innerJoin('policies as p', 'p.id', 'other.policy_id')
    .selectAll('p')
    .select(['other.target_type', 'other.target'])
    .where('mine.policy_id', '=', id)
    .orderBy('other.target_type', 'desc')
    .orderBy('other.target')
    .orderBy('p.name_key')
    .execute();
  const byTarget = new Map<string, PoliciesAtTarget>();
  for (const row of rows) {
    const key = `${row.target_type}\u0000${row.target}`;
    const entry = byTarget.get(key) ?? { target: toTarget(row), policies: [] };
    entry.policies.push(toRecord(row));
    byTarget.set(key, entry);
  }
  return [...byTarget.values()];
}

async function findWithAssignments(db: Db, id: string): Promise<PolicyWithAssignments | undefined> {
  const row = await db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const assignments = await db
    .selectFrom('policy_assignments')
    .select(['target_type', 'target'])
    .where('policy_id', '=', id)
    .orderBy('target_type', 'desc')
    .orderBy('target')
    .execute();
  return { ...toRecord(row), assignments: assignments.map(toTarget) };
}

/** Turns a unique-name violation into CONFLICT; other errors pass through. */
async function uniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new AppError(
      'CONFLICT',
      `A policy named "${name}" already exists. Choose another name or edit that policy.`,
    );
  }
}

function uniqueRows(targets: PolicyTarget[]): AssignmentRow[] {
  const rows = new Map<string, AssignmentRow>();
  for (const target of targets) {
    const row: AssignmentRow =
      target.type === 'group'
        ? { target_type: 'group', target: target.group }
        : { target_type: 'device', target: target.deviceId };
    rows.set(`${row.target_type}\u0000${row.target}`, row);
  }
  return [...rows.values()];
}

function toTarget(row: AssignmentRow): PolicyTarget {
  return row.target_type === 'group'
    ? { type: 'group', group: row.target }
    : { type: 'device', deviceId: row.target };
}

function nameKey(name: string): string {
  return name.toLowerCase();
}

function toRow(policy: PolicyRecord): PoliciesTable {
  return {
    id: policy.id,
    name: policy.name,
    name_key: nameKey(policy.name),
    description: policy.description,
    settings: JSON.stringify(policy.settings),
    created_at: toMillis(policy.createdAt),
    updated_at: toMillis(policy.updatedAt),
  };
}

function toRecord(row: Selectable<PoliciesTable>): PolicyRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    settings: parseJsonColumn(row.settings, PolicySettings, 'policy settings'),
    createdAt: fromMillis(row.created_at),
    updatedAt: fromMillis(row.updated_at),
  };
}
