import type { Kysely } from 'kysely';

/** Epoch milliseconds (see schema.ts). */
type Millis = number;

/**
 * One-time relay tokens (DESIGN.md, Sessions step 1), by the SHA-256 of the token: a row is
 * used once, by one conditional UPDATE, whichever node the end lands on. Kept a while after
 * expiry so a second use gets an exact reason, then pruned.
 */
export interface RelayTicketsTable {
  token_hash: string;
  session_id: string;
  role: 'console' | 'agent' | 'guest';
  guest_id: string | null;
  expires_at: Millis;
  used_at: Millis | null;
  /** 1 once its session ended (refused by the device, ended by someone). */
  session_ended: number;
}

/** Open OEM control URLs (O-2): taken once, by one DELETE … RETURNING, on any node. */
export interface ControlGrantsTable {
  device_id: string;
  device_key_id: string;
  target_nonce: string;
  tenant_id: string;
  control_type: string;
  token_id: string;
  expires_at: Millis;
}

/**
 * Guess counters (one-time passwords, support codes): one row per key, changed under a row
 * lock so every node counts against the same budget. `pending` attempts are being checked;
 * they count only until `pending_until`, so a node that died mid-check does not block the key.
 */
export interface GuessCountersTable {
  key: string;
  failures: number;
  pending: number;
  pending_until: Millis;
  blocked_until: Millis;
  last_at: Millis;
}

declare module '../schema.js' {
  interface Database {
    relay_tickets: RelayTicketsTable;
    control_grants: ControlGrantsTable;
    guess_counters: GuessCountersTable;
  }
}

/**
 * State one process used to keep in memory, now in the database so several nodes cannot both
 * accept one thing; the single node uses the same tables. Uploads get a claim lease: the
 * node uploading renews it, and an upload whose lease ran out is taken over by another node.
 */
export async function createSharedState(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('relay_tickets')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('session_id', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('guest_id', 'text')
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('session_ended', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('relay_tickets_session')
    .on('relay_tickets')
    .column('session_id')
    .execute();
  await db.schema
    .createIndex('relay_tickets_expiry')
    .on('relay_tickets')
    .column('expires_at')
    .execute();
  await db.schema
    .createTable('control_grants')
    .addColumn('device_id', 'text', (col) => col.notNull())
    .addColumn('device_key_id', 'text', (col) => col.notNull())
    .addColumn('target_nonce', 'text', (col) => col.notNull())
    .addColumn('tenant_id', 'text', (col) => col.notNull())
    .addColumn('control_type', 'text', (col) => col.notNull())
    .addColumn('token_id', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('control_grants_pk', ['device_id', 'device_key_id', 'target_nonce'])
    .execute();
  await db.schema
    .createIndex('control_grants_expiry')
    .on('control_grants')
    .column('expires_at')
    .execute();
  await db.schema
    .createTable('guess_counters')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('failures', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('pending', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('pending_until', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('blocked_until', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('last_at', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('guess_counters_last')
    .on('guess_counters')
    .column('last_at')
    .execute();
  // The node uploading a recording, and until when its claim holds without a renewal.
  await db.schema.alterTable('uploads').addColumn('claimed_by', 'text').execute();
  await db.schema.alterTable('uploads').addColumn('lease_until', 'bigint').execute();
}
