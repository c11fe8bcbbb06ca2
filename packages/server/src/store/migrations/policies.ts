import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.js';

/** Epoch milliseconds (see schema.ts). */
type Millis = number;

/** A policy; `settings` is JSON `PolicySettings`, including the sealed storage credential. */
export interface PoliciesTable {
  id: string;
  name: string;
  /** `name` folded to lower case; unique, so names are unique case-insensitively. */
  name_key: string;
  description: string;
  settings: string;
  created_at: Millis;
  updated_at: Millis;
}

/** Where a policy applies: `target_type` `group` with a group name, or `device` with a device ID. */
export interface PolicyAssignmentsTable {
  policy_id: string;
  target_type: 'group' | 'device';
  target: string;
}

/**
 * One row that every policy write updates first. The row lock serialises policy writes on
 * PostgreSQL (SQLite runs one writer at a time anyway), so two concurrent changes cannot both
 * pass the conflict check.
 */
export interface PolicyWriteLockTable {
  id: number;
  revision: number;
}

declare module '../schema.js' {
  interface Database {
    policies: PoliciesTable;
    policy_assignments: PolicyAssignmentsTable;
    policy_write_lock: PolicyWriteLockTable;
  }
}

/** Schema of the policies feature (runs on SQLite and PostgreSQL). */
export async function createPolicySchema(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('policies')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('name_key', 'text', (col) => col.notNull().unique())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('settings', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('policy_assignments')
    .addColumn('policy_id', 'text', (col) =>
      col.notNull().references('policies.id').onDelete('cascade'),
    )
    .addColumn('target_type', 'text', (col) => col.notNull())
    .addColumn('target', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('policy_assignments_pk', ['policy_id', 'target_type', 'target'])
    .execute();
  await db.schema
    .createIndex('policy_assignments_target')
    .on('policy_assignments')
    .columns(['target_type', 'target'])
    .execute();

  await db.schema
    .createTable('policy_write_lock')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('revision', 'bigint', (col) => col.notNull())
    .execute();
  await sql`insert into policy_write_lock (id, revision) values (1, 0)`.execute(db);
}
