import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import { CustomStorage } from '@tether/protocol';
import type { UploadsTable } from '../migrations/uploads.js';
import type { Database } from '../schema.js';
import type { UploadRecord, UploadRepository } from '../upload-repository.js';
import { fromMillis, fromMillisOrNull, toMillis } from './columns.js';

const WAITING = ['pending', 'failed'] as const;

/** The upload queue on either engine. */
export function createUploadRepository(db: Kysely<Database>): UploadRepository {
  // An upload is queued when its recording starts and may run only once it is finished.
  const stillRecording = () =>
    db.selectFrom('recordings').select('id').where('state', '=', 'recording');
  return {
    async enqueue({ recordingId, deviceId, target, storage, at }) {
      const result = await db
        .insertInto('uploads')
        .values({
          recording_id: recordingId,
          device_id: deviceId,
          target,
          state: 'pending',
          attempts: 0,
          last_error: null,
          next_attempt_at: toMillis(at),
          created_at: toMillis(at),
          updated_at: toMillis(at),
          completed_at: null,
          remote_path: null,
          sha256: null,
          storage: JSON.stringify(storage),
          verification: null,
          notice: null,
        })
        .onConflict((conflict) => conflict.column('recording_id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async find(recordingId) {
      const row = await db
        .selectFrom('uploads')
        .selectAll()
        .where('recording_id', '=', recordingId)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async findMany(recordingIds) {
      if (recordingIds.length === 0) return [];
      const rows = await db
        .selectFrom('uploads')
        .selectAll()
        .where('recording_id', 'in', recordingIds)
        .execute();
      return rows.map(toRecord);
    },
    async list({ limit, states }) {
      let query = db.selectFrom('uploads').selectAll();
      if (states?.length) query = query.where('state', 'in', states);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('recording_id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async listDue(now, limit) {
      const rows = await db
        .selectFrom('uploads')
        .selectAll()
        .where((eb) => eb.or([isDue(eb, toMillis(now)), isLeaseOver(eb, toMillis(now))]))
        .where('recording_id', 'not in', stillRecording())
        .orderBy('next_attempt_at')
        .orderBy('recording_id')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async nextDueAt() {
      const [waiting, leased] = await Promise.all([
        db
          .selectFrom('uploads')
          .select((eb) => eb.fn.min('next_attempt_at').as('next'))
          .where('state', 'in', WAITING)
          .where('recording_id', 'not in', stillRecording())
          .executeTakeFirst(),
        db
          .selectFrom('uploads')
          .select((eb) => eb.fn.min('lease_until').as('next'))
          .where('state', '=', 'uploading')
          .executeTakeFirst(),
      ]);
      const times = [waiting?.next, leased?.next].filter((next) => next != null);
      return times.length === 0 ? undefined : fromMillis(Math.min(...times));
    },
    async claim(recordingId, { at, lease }) {
      const now = toMillis(at);
      const result = await db
        .updateTable('uploads')
        .set((eb) => ({
          state: 'uploading',
          attempts: eb('attempts', '+', 1),
          updated_at: now,
          claimed_by: lease?.by ?? null,
          lease_until: lease ? toMillis(lease.until) : null,
        }))
        .where('recording_id', '=', recordingId)
        .where((eb) => eb.or([isDue(eb, now), isLeaseOver(eb, now)]))
        .where('recording_id', 'not in', stillRecording())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async renew(recordingId, { by, until }) {
      const result = await db
        .updateTable('uploads')
        .set({ lease_until: toMillis(until) })
        .where('recording_id', '=', recordingId)
        .where('state', '=', 'uploading')
        .where('claimed_by', '=', by)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async complete(recordingId, { at, by, remotePath, sha256, verification, notice }) {
      let query = db
        .updateTable('uploads')
        .set({
          claimed_by: null,
          lease_until: null,
          state: 'done',
          last_error: null,
          next_attempt_at: null,
          completed_at: toMillis(at),
          updated_at: toMillis(at),
          remote_path: remotePath,
          sha256,
          verification,
          notice,
        })
        .where('recording_id', '=', recordingId)
        .where('state', '=', 'uploading');
      if (by !== undefined) query = query.where('claimed_by', '=', by);
      await query.execute();
    },
    async fail(recordingId, { at, by, error, nextAttemptAt }) {
      let query = db
        .updateTable('uploads')
        .set({
          claimed_by: null,
          lease_until: null,
          state: 'failed',
          last_error: error,
          next_attempt_at: toMillis(nextAttemptAt),
          updated_at: toMillis(at),
        })
        .where('recording_id', '=', recordingId)
        .where('state', '=', 'uploading');
      if (by !== undefined) query = query.where('claimed_by', '=', by);
      await query.execute();
    },
    async resetInterrupted(at, options = {}) {
      const now = toMillis(at);
      let query = db
        .updateTable('uploads')
        .set({
          state: 'pending',
          next_attempt_at: now,
          updated_at: now,
          claimed_by: null,
          lease_until: null,
        })
        .where('state', '=', 'uploading');
      const { onlyOf } = options;
      if (onlyOf !== undefined)
        query = query.where((eb) =>
          eb.or([
            eb('claimed_by', '=', onlyOf),
            eb('claimed_by', 'is', null),
            eb('lease_until', '<', now),
          ]),
        );
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async retryNow(recordingId, at) {
      const result = await db
        .updateTable('uploads')
        .set({ next_attempt_at: toMillis(at), updated_at: toMillis(at) })
        .where('recording_id', '=', recordingId)
        .where('state', 'in', WAITING)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

/** A waiting upload whose next attempt is due. */
function isDue(eb: ExpressionBuilder<Database, 'uploads'>, now: number) {
  return eb.and([eb('state', 'in', WAITING), eb('next_attempt_at', '<=', now)]);
}

/** An upload whose node stopped renewing its claim: another node may take it over. */
function isLeaseOver(eb: ExpressionBuilder<Database, 'uploads'>, now: number) {
  return eb.and([eb('state', '=', 'uploading'), eb('lease_until', '<', now)]);
}

function toRecord(row: Selectable<UploadsTable>): UploadRecord {
  return {
    recordingId: row.recording_id,
    deviceId: row.device_id,
    target: row.target,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: fromMillisOrNull(row.next_attempt_at),
    createdAt: fromMillis(row.created_at),
    updatedAt: fromMillis(row.updated_at),
    completedAt: fromMillisOrNull(row.completed_at),
    remotePath: row.remote_path,
    sha256: row.sha256,
    storage: storageOf(row.storage),
    verification: row.verification,
    notice: row.notice,
  };
}

/** The stored setting, parsed like any other input; an unreadable one counts as none. */
function storageOf(json: string | null): CustomStorage | null {
  if (json === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = CustomStorage.safeParse(value);
  return parsed.success ? parsed.data : null;
}
