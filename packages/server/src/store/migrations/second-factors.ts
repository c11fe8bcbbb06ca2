import type { Kysely } from 'kysely';

/** Epoch milliseconds (see schema.ts). */
type Millis = number;

/** A user's authenticator-app secret; one per user, active once confirmed. */
export interface TotpSecretsTable {
  user_id: string;
  /** Base32; only the server reads it (never returned by the API after enrolment). */
  secret: string;
  created_at: Millis;
  /** Null while enrolment waits for the first code. */
  confirmed_at: Millis | null;
  /** The last time step a code was accepted for: a code of that step or before is a replay. */
  last_step: number | null;
}

/** Recovery codes: only their SHA-256 is stored; each works once. */
export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  created_at: Millis;
  used_at: Millis | null;
}

/** WebAuthn credentials (passkeys). */
export interface PasskeysTable {
  /** The credential ID, base64url. */
  id: string;
  user_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  /** The signature counter the authenticator last reported. */
  counter: number;
  /** JSON array of transports (`internal`, `usb`, …) the authenticator named. */
  transports: string;
  name: string;
  created_at: Millis;
  last_used_at: Millis | null;
}

declare module '../schema.js' {
  interface Database {
    totp_secrets: TotpSecretsTable;
    recovery_codes: RecoveryCodesTable;
    passkeys: PasskeysTable;
  }
}

/**
 * Second factors (issue 12): authenticator apps (TOTP), recovery codes, passkeys. Rows go with
 * the user: deleting a user deletes them (users are soft-deleted, so no cascade does it).
 */
export async function createSecondFactorSchema(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('totp_secrets')
    .addColumn('user_id', 'text', (col) => col.primaryKey().references('users.id'))
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('confirmed_at', 'bigint')
    .addColumn('last_step', 'bigint')
    .execute();
  await db.schema
    .createTable('recovery_codes')
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id'))
    .addColumn('code_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('used_at', 'bigint')
    .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
    .execute();
  await db.schema
    .createTable('passkeys')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id'))
    .addColumn('public_key', 'text', (col) => col.notNull())
    .addColumn('counter', 'bigint', (col) => col.notNull())
    .addColumn('transports', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('passkeys_user_id').on('passkeys').column('user_id').execute();
}
