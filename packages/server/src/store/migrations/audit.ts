import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.js';

/**
 * The audit log names its subjects (issue 12): each entry keeps the ids of the user who acted,
 * the device, the session and the recording it is about — with the user's and device's names
 * then — so the log filters by them through an index and shows names, not ids. Entries written
 * before are filled in from what they already hold (actor, target, `details.sessionId`).
 */
export async function addAuditSubjects(db: Kysely<unknown>, engine: Engine): Promise<void> {
  for (const column of [
    'user_id',
    'user_name',
    'device_id',
    'device_name',
    'session_id',
    'recording_id',
  ]) {
    await db.schema.alterTable('audit').addColumn(column, 'text').execute();
  }
  // The id last: the newest matches come first from the index, without sorting.
  for (const column of ['user_id', 'device_id', 'session_id']) {
    await db.schema.createIndex(`audit_${column}`).on('audit').columns([column, 'id']).execute();
  }
  await db.schema.createIndex('audit_at').on('audit').column('at').execute();
  await fillAuditSubjects(db, engine);
}

async function fillAuditSubjects(db: Kysely<unknown>, engine: Engine): Promise<void> {
  // The actor was a username (of a user not deleted then, so the one that has it now if any).
  await sql`UPDATE audit SET user_id = (SELECT u.id FROM users u WHERE u.username_key = lower(audit.actor) AND u.deleted_at IS NULL)
    WHERE user_id IS NULL`.execute(db);
  await sql`UPDATE audit SET user_name = audit.actor WHERE user_id IS NOT NULL`.execute(db);
  // The target, or an agent's `device:<id>` actor, names a device.
  await sql`UPDATE audit SET device_id = target WHERE target IN (SELECT id FROM devices)`.execute(
    db,
  );
  await sql`UPDATE audit SET device_id = substr(actor, 8)
    WHERE device_id IS NULL AND actor LIKE 'device:%' AND substr(actor, 8) IN (SELECT id FROM devices)`.execute(
    db,
  );
  await sql`UPDATE audit SET device_name = (SELECT d.name FROM devices d WHERE d.id = audit.device_id)
    WHERE device_id IS NOT NULL`.execute(db);
  const field = (name: string) =>
    engine === 'sqlite'
      ? sql`json_extract(details, ${`$.${name}`})`
      : sql`(details::json ->> ${name})`;
  await sql`UPDATE audit SET session_id = ${field('sessionId')}, recording_id = ${field('recordingId')}`.execute(
    db,
  );
}
