import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from '../schema.js';
import type { SessionRecord, SessionRepository } from '../store.js';
import { fromMillis, fromMillisOrNull, toMillis } from './columns.js';

/** Remote sessions on either engine. State changes are conditional updates, never read-then-write. */
export function createSessionRepository(db: Kysely<Database>): SessionRepository {
  return {
    async create({ nodeId, ...session }) {
      const record: SessionRecord = {
        ...session,
        state: 'pending',
        startedAt: null,
        endedAt: null,
        endReason: null,
      };
      await db
        .insertInto('sessions')
        .values({
          id: record.id,
          device_id: record.deviceId,
          user_id: record.userId,
          kind: record.kind,
          state: record.state,
          created_at: toMillis(record.createdAt),
          started_at: null,
          ended_at: null,
          end_reason: null,
          node_id: nodeId ?? null,
        })
        .execute();
      return record;
    },
    async relayNodeOf(id) {
      const row = await db
        .selectFrom('sessions')
        .select('node_id')
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.node_id ?? undefined;
    },
    async find(id) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async list({ limit, deviceId, states, groups }) {
      // `IN ()` is not valid SQL; asking for no state (or group) means asking for nothing.
      if (states?.length === 0 || groups?.length === 0) return [];
      let query = db.selectFrom('sessions').selectAll();
      if (deviceId !== undefined) query = query.where('device_id', '=', deviceId);
      if (states !== undefined) query = query.where('state', 'in', states);
      if (groups !== undefined)
        query = query.where('device_id', 'in', (eb) =>
          eb.selectFrom('devices').select('id').where('group_name', 'in', groups),
        );
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async markActive(id, at) {
      const result = await db
        .updateTable('sessions')
        .set({ state: 'active', started_at: toMillis(at) })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async end(id, at, reason) {
      const result = await db
        .updateTable('sessions')
        .set({ state: 'ended', ended_at: toMillis(at), end_reason: reason })
        .where('id', '=', id)
        .where('state', '!=', 'ended')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async endAllOpen(at, reason, nodeId) {
      let query = db
        .updateTable('sessions')
        .set({ state: 'ended', ended_at: toMillis(at), end_reason: reason })
        .where('state', '!=', 'ended');
      if (nodeId !== undefined) query = query.where('node_id', '=', nodeId);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async endOnDeadNodes(at, reason, liveNodes) {
      if (liveNodes.length === 0) return [];
      const rows = await db
        .updateTable('sessions')
        .set({ state: 'ended', ended_at: toMillis(at), end_reason: reason })
        .where('state', '!=', 'ended')
        .where('node_id', 'is not', null)
        .where('node_id', 'not in', liveNodes)
        .returning(['id', 'device_id'])
        .execute();
      return rows.map((row) => ({ id: row.id, deviceId: row.device_id }));
    },
  };
}

function toRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    deviceId: row.device_id,
    userId: row.user_id,
    kind: row.kind,
    state: row.state,
    createdAt: fromMillis(row.created_at),
    startedAt: fromMillisOrNull(row.started_at),
    endedAt: fromMillisOrNull(row.ended_at),
    endReason: row.end_reason,
  };
}
