import type { Kysely, Selectable } from 'kysely';
import type { Database, RecordingsTable } from '../schema.js';
import type { RecordingListItem, RecordingRecord, RecordingRepository } from '../store.js';
import { fromMillis, fromMillisOrNull, toMillis } from './columns.js';

/** Session recordings on either engine; lists carry the device and user names. */
export function createRecordingRepository(db: Kysely<Database>): RecordingRepository {
  const selectListItems = () =>
    db
      .selectFrom('recordings')
      .innerJoin('devices', 'devices.id', 'recordings.device_id')
      .innerJoin('users', 'users.id', 'recordings.user_id')
      .selectAll('recordings')
      .select(['devices.name as device_name', 'users.username as username']);
  return {
    async create(recording) {
      const record: RecordingRecord = {
        ...recording,
        state: 'recording',
        endedAt: null,
        durationMs: 0,
        sizeBytes: 0,
      };
      await db
        .insertInto('recordings')
        .values({
          id: record.id,
          session_id: record.sessionId,
          device_id: record.deviceId,
          user_id: record.userId,
          kind: record.kind,
          format: record.format,
          path: record.path,
          state: record.state,
          started_at: toMillis(record.startedAt),
          ended_at: null,
          duration_ms: 0,
          size_bytes: 0,
        })
        .execute();
      return record;
    },
    async find(id) {
      const row = await selectListItems().where('recordings.id', '=', id).executeTakeFirst();
      return row && toListItem(row);
    },
    async list({ limit, deviceId, groups }) {
      // `IN ()` is not valid SQL; asking for no group means asking for nothing.
      if (groups?.length === 0) return [];
      let query = selectListItems();
      if (deviceId !== undefined) query = query.where('recordings.device_id', '=', deviceId);
      if (groups !== undefined)
        query = query.where('recordings.device_id', 'in', (eb) =>
          eb.selectFrom('devices').select('devices.id').where('devices.group_name', 'in', groups),
        );
      const rows = await query
        .orderBy('recordings.started_at', 'desc')
        .orderBy('recordings.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toListItem);
    },
    async listUnfinished() {
      const rows = await db
        .selectFrom('recordings')
        .selectAll()
        .where('state', '=', 'recording')
        .orderBy('started_at')
        .execute();
      return rows.map(toRecord);
    },
    async finish(id, result) {
      await db
        .updateTable('recordings')
        .set({
          state: result.state,
          ended_at: toMillis(result.endedAt),
          duration_ms: result.durationMs,
          size_bytes: result.sizeBytes,
        })
        .where('id', '=', id)
        .execute();
    },
  };
}

function toRecord(row: Selectable<RecordingsTable>): RecordingRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    deviceId: row.device_id,
    userId: row.user_id,
    kind: row.kind,
    format: row.format,
    path: row.path,
    state: row.state,
    startedAt: fromMillis(row.started_at),
    endedAt: fromMillisOrNull(row.ended_at),
    durationMs: row.duration_ms,
    sizeBytes: row.size_bytes,
  };
}

function toListItem(
  row: Selectable<RecordingsTable> & { device_name: string; username: string },
): RecordingListItem {
  return { ...toRecord(row), deviceName: row.device_name, username: row.username };
}
