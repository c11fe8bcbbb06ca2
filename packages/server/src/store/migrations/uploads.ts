import type { Kysely } from 'kysely';
import type { UploadState, UploadVerification } from '@tether/protocol';
import type { Engine } from '../engine.js';

/** Epoch milliseconds (see schema.ts). */
type Millis = number;

/**
 * The upload queue: one row per recording made under a custom storage policy. `target`
 * is the storage URL as shown; `storage` is the whole setting in force when the recording
 * started (URL, host key, authentication and the credential, still sealed), so the recording
 * goes where it was meant to go whatever the policy says later.
 */
export interface UploadsTable {
  recording_id: string;
  device_id: string;
  target: string;
  state: UploadState;
  attempts: number;
  last_error: string | null;
  /** When the next attempt is due; null once done. */
  next_attempt_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
  completed_at: Millis | null;
  remote_path: string | null;
  /** SHA-256 (hex) of the recording as verified on the target. */
  sha256: string | null;
  /** The `CustomStorage` setting as JSON (credential sealed); null on rows queued before 0006. */
  storage: string | null;
  /** How the copy on the target was verified, once done. */
  verification: UploadVerification | null;
  /** What the upload did differently from the usual (no month folder), once done. */
  notice: string | null;
  /** The node uploading it now (0015_shared_state); null when no node holds it. */
  claimed_by: string | null;
  /** Until when that node's claim holds unless renewed; another node takes it over after. */
  lease_until: Millis | null;
}

declare module '../schema.js' {
  interface Database {
    uploads: UploadsTable;
  }
}

/** Schema of the uploads feature (runs on SQLite and PostgreSQL). */
export async function createUploadSchema(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('uploads')
    .addColumn('recording_id', 'text', (col) => col.primaryKey().references('recordings.id'))
    .addColumn('device_id', 'text', (col) => col.notNull())
    .addColumn('target', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addColumn('completed_at', 'bigint')
    .addColumn('remote_path', 'text')
    .addColumn('sha256', 'text')
    .execute();
  await db.schema
    .createIndex('uploads_due')
    .on('uploads')
    .columns(['state', 'next_attempt_at'])
    .execute();
  await db.schema.createIndex('uploads_created_at').on('uploads').column('created_at').execute();
}

/**
 * Each queued upload keeps the storage setting it was queued under, and a finished one how it was
 * verified (uploads to write-only accounts are verified by size).
 */
export async function addUploadTargetSnapshot(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('uploads').addColumn('storage', 'text').execute();
  await db.schema.alterTable('uploads').addColumn('verification', 'text').execute();
  await db.schema.alterTable('uploads').addColumn('notice', 'text').execute();
}
