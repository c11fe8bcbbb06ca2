import type { Kysely } from 'kysely';
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
