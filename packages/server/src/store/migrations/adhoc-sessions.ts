import type { Kysely } from 'kysely';

/** Epoch milliseconds (see schema.ts). */
type Millis = number;

/** Ad-hoc sessions: one row per code a technician handed out. */
export interface AdhocSessionsTable {
  id: string;
  /** SHA-256 (hex) of the nine-digit code; the code itself is never stored. */
  code_hash: string;
  /** The one-use installer behind the one-time agent's package. */
  installer_id: string;
  group_name: string;
  created_by: string;
  created_by_name: string;
  created_at: Millis;
  expires_at: Millis;
  /** 1 when a machine's installed agent may take the session. */
  allow_installed_agent: number;
  /** Set when an installed agent took the code; a one-time agent is found by its installer. */
  device_id: string | null;
  ended_at: Millis | null;
}

declare module '../schema.js' {
  interface Database {
    adhoc_sessions: AdhocSessionsTable;
  }
}

/** Ad-hoc sessions (issue 15, A-14); runs on SQLite and PostgreSQL. */
export async function createAdhocSessions(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('adhoc_sessions')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('code_hash', 'text', (col) => col.notNull().unique())
    .addColumn('installer_id', 'text', (col) => col.notNull())
    .addColumn('group_name', 'text', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_by_name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('allow_installed_agent', 'integer', (col) => col.notNull())
    .addColumn('device_id', 'text')
    .addColumn('ended_at', 'bigint')
    .execute();
}
