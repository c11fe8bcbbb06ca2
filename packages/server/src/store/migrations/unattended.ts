import { sql, type Kysely } from 'kysely';
import type { UnattendedAccessMode, UnattendedAccessState } from '@tether/protocol';
import type { Engine } from '../engine.js';

/** Epoch milliseconds (see schema.ts). */
type Millis = number;

/** Unattended accesses (M-2): one row per one-time password handed out. */
export interface UnattendedAccessTable {
  id: string;
  device_id: string;
  mode: UnattendedAccessMode;
  state: UnattendedAccessState;
  /** scrypt hash of the one-time password; the password itself is never stored. */
  password_hash: string;
  created_at: Millis;
  created_by: string;
  expires_at: Millis | null;
  holder_user_id: string | null;
  last_connected_at: Millis | null;
  ended_at: Millis | null;
}

declare module '../schema.js' {
  interface Database {
    unattended_access: UnattendedAccessTable;
  }
}

/** Schema of unattended access (runs on SQLite and PostgreSQL). */
export async function createUnattendedSchema(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('unattended_access')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('device_id', 'text', (col) => col.notNull().references('devices.id'))
    .addColumn('mode', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('holder_user_id', 'text')
    .addColumn('last_connected_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('unattended_access_device')
    .on('unattended_access')
    .columns(['device_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('unattended_access_due')
    .on('unattended_access')
    .columns(['state', 'expires_at'])
    .execute();
}

/**
 * At most one live access per device (issue 10): before, every "Unattended access…" click made
 * another live password and turning one off left the others working. Older live duplicates
 * are revoked (the newest stays; the agent drops the others at its next sync), then a partial
 * unique index makes a second live access of a device impossible on either engine, also when
 * two requests race. The state list is literal because SQLite allows no parameters in an index.
 */
export async function limitUnattendedToOneLive(db: Kysely<unknown>): Promise<void> {
  // The migration runs before any clock is injected; the time only marks when they ended.
  const now = Date.now();
  await sql`
    UPDATE unattended_access
    SET state = 'revoked', ended_at = ${now}, holder_user_id = NULL
    WHERE state IN ('waiting', 'connected', 'idle')
      AND EXISTS (
        SELECT 1 FROM unattended_access AS newer
        WHERE newer.device_id = unattended_access.device_id
          AND newer.state IN ('waiting', 'connected', 'idle')
          AND (newer.created_at > unattended_access.created_at
            OR (newer.created_at = unattended_access.created_at AND newer.id > unattended_access.id))
      )`.execute(db);
  await db.schema
    .createIndex('unattended_access_one_live')
    .unique()
    .on('unattended_access')
    .column('device_id')
    .where(sql<boolean>`state IN ('waiting', 'connected', 'idle')`)
    .execute();
}
