import type { Kysely, Selectable } from 'kysely';
import { compiledOnce, inList } from '../compiled-query.js';
import { batchedLookup } from '../turn-batch.js';
import { isUniqueViolation } from '../engine.js';
import type { UnattendedAccessTable } from '../migrations/unattended.js';
import type { Database } from '../schema.js';
import type { UnattendedAccessRecord, UnattendedRepository } from '../unattended-repository.js';
import { fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from './columns.js';

const LIVE = ['waiting', 'connected', 'idle'] as const;
const WAITING = ['waiting', 'idle'] as const;

/** Unattended accesses on either engine. */
export function createUnattendedRepository(db: Kysely<Database>): UnattendedRepository {
  // Every agent connection asks for its device's (unattended.sync): built once (compiled-query.ts).
  const liveOfDevice = compiledOnce(db, 1, (deviceId) =>
    db
      .selectFrom('unattended_access')
      .selectAll()
      .where('state', 'in', LIVE)
      .where('device_id', '=', deviceId),
  );
  // A reconnect storm's agents: read a few hundred devices at a time.
  const liveOf = batchedLookup({
    one: (deviceId) => liveOfDevice(deviceId),
    many: (deviceIds) =>
      db
        .selectFrom('unattended_access')
        .selectAll()
        .where('state', 'in', LIVE)
        .where('device_id', 'in', inList(deviceIds))
        .execute(),
    keyOf: (row) => row.device_id,
  });
  const repository: UnattendedRepository = {
    async create(access) {
      try {
        await db
          .insertInto('unattended_access')
          .values({
            id: access.id,
            device_id: access.deviceId,
            mode: access.mode,
            state: access.state,
            password_hash: access.passwordHash,
            created_at: toMillis(access.createdAt),
            created_by: access.createdBy,
            expires_at: toMillisOrNull(access.expiresAt),
            holder_user_id: null,
            last_connected_at: null,
            ended_at: null,
          })
          .execute();
        return 'created';
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Two unique constraints: the ID, and one live access per device.
        const taken = await repository.find(access.id);
        return taken ? 'id-taken' : 'device-busy';
      }
    },
    async find(id) {
      const row = await db
        .selectFrom('unattended_access')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async list({ limit, deviceId, groups }) {
      // `IN ()` is not valid SQL; asking for no group means asking for nothing.
      if (groups?.length === 0) return [];
      let query = db.selectFrom('unattended_access').selectAll();
      if (deviceId) query = query.where('device_id', '=', deviceId);
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
    async listLive(deviceId) {
      if (deviceId) return (await liveOf(deviceId)).map(toRecord);
      const rows = await db
        .selectFrom('unattended_access')
        .selectAll()
        .where('state', 'in', LIVE)
        .execute();
      return rows.map(toRecord);
    },
    async connect(id, { userId, at }) {
      const result = await db
        .updateTable('unattended_access')
        .set({
          state: 'connected',
          holder_user_id: userId,
          expires_at: null,
          last_connected_at: toMillis(at),
        })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb.and([eb('state', 'in', WAITING), eb('expires_at', '>', toMillis(at))]),
            eb.and([eb('state', '=', 'connected'), eb('holder_user_id', '=', userId)]),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async release(id, { expiresAt }) {
      await db
        .updateTable('unattended_access')
        .set({ state: 'idle', holder_user_id: null, expires_at: toMillis(expiresAt) })
        .where('id', '=', id)
        .where('state', '=', 'connected')
        .execute();
    },
    async expireDue(now) {
      const due = await db
        .selectFrom('unattended_access')
        .selectAll()
        .where('state', 'in', WAITING)
        .where('expires_at', '<=', toMillis(now))
        .execute();
      const expired: UnattendedAccessRecord[] = [];
      for (const row of due) {
        const result = await db
          .updateTable('unattended_access')
          .set({ state: 'expired', ended_at: toMillis(now) })
          .where('id', '=', row.id)
          .where('state', 'in', WAITING)
          .where('expires_at', '<=', toMillis(now))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) > 0) {
          expired.push(toRecord({ ...row, state: 'expired', ended_at: toMillis(now) }));
        }
      }
      return expired;
    },
    async revoke(id, at) {
      const result = await db
        .updateTable('unattended_access')
        .set({ state: 'revoked', ended_at: toMillis(at), holder_user_id: null })
        .where('id', '=', id)
        .where('state', 'in', LIVE)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async revokeLive(deviceId, at) {
      const live = await repository.listLive(deviceId);
      const revoked: UnattendedAccessRecord[] = [];
      for (const access of live) {
        if (await repository.revoke(access.id, at)) {
          revoked.push({ ...access, state: 'revoked', endedAt: at, holderUserId: null });
        }
      }
      return revoked;
    },
    async releaseAll(expiresAt) {
      const result = await db
        .updateTable('unattended_access')
        .set({ state: 'idle', holder_user_id: null, expires_at: toMillis(expiresAt) })
        .where('state', '=', 'connected')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
  return repository;
}

function toRecord(row: Selectable<UnattendedAccessTable>): UnattendedAccessRecord {
  return {
    id: row.id,
    deviceId: row.device_id,
    mode: row.mode,
    state: row.state,
    passwordHash: row.password_hash,
    createdAt: fromMillis(row.created_at),
    createdBy: row.created_by,
    expiresAt: fromMillisOrNull(row.expires_at),
    holderUserId: row.holder_user_id,
    lastConnectedAt: fromMillisOrNull(row.last_connected_at),
    endedAt: fromMillisOrNull(row.ended_at),
  };
}
