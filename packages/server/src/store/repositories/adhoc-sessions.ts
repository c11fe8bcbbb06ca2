import type { Kysely } from 'kysely';
import type { AdhocSessionRecord, AdhocSessionRepository } from '../adhoc-repository.js';
import { isUniqueViolation } from '../engine.js';
import type { AdhocSessionsTable } from '../migrations/adhoc-sessions.js';
import type { Database } from '../schema.js';
import { fromMillis, fromMillisOrNull, toMillis } from './columns.js';

type Row = AdhocSessionsTable & { enrolled_device_id: string | null };

/** Ad-hoc sessions on either engine. A one-time agent's device is found by its installer. */
export function createAdhocSessionRepository(db: Kysely<Database>): AdhocSessionRepository {
  // At most one device per ad-hoc installer (it allows one install).
  const withDevice = () =>
    db
      .selectFrom('adhoc_sessions as a')
      .leftJoin('devices as d', 'd.installer_id', 'a.installer_id')
      .selectAll('a')
      .select('d.id as enrolled_device_id');

  return {
    async create(session) {
      try {
        await db
          .insertInto('adhoc_sessions')
          .values({
            id: session.id,
            code_hash: session.codeHash,
            installer_id: session.installerId,
            group_name: session.group,
            created_by: session.createdBy,
            created_by_name: session.createdByName,
            created_at: toMillis(session.createdAt),
            expires_at: toMillis(session.expiresAt),
            allow_installed_agent: session.allowInstalledAgent ? 1 : 0,
            device_id: null,
            ended_at: null,
          })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async find(id) {
      const row = await withDevice().where('a.id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async findByCodeHash(codeHash) {
      const row = await withDevice().where('a.code_hash', '=', codeHash).executeTakeFirst();
      return row && toRecord(row);
    },
    async findLiveByDevice(deviceId) {
      // Runs on every device's offline event: the live rows are few, and the one-time
      // agent's installer comes from the device's own row (its primary key), not a join scan.
      const row = await withDevice()
        .where('a.ended_at', 'is', null)
        .where((eb) =>
          eb.or([
            eb('a.device_id', '=', deviceId),
            eb(
              'a.installer_id',
              '=',
              eb.selectFrom('devices').select('installer_id').where('id', '=', deviceId),
            ),
          ]),
        )
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async anyLive() {
      const row = await db
        .selectFrom('adhoc_sessions')
        .select('id')
        .where('ended_at', 'is', null)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    async list({ limit, groups }) {
      if (groups?.length === 0) return [];
      let query = withDevice();
      if (groups !== undefined) query = query.where('a.group_name', 'in', groups);
      const rows = await query
        .orderBy('a.created_at', 'desc')
        .orderBy('a.id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async attach(id, deviceId) {
      const result = await db
        .updateTable('adhoc_sessions')
        .set({ device_id: deviceId })
        .where('id', '=', id)
        .where('device_id', 'is', null)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async end(id, at) {
      const result = await db
        .updateTable('adhoc_sessions')
        .set({ ended_at: toMillis(at) })
        .where('id', '=', id)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function toRecord(row: Row): AdhocSessionRecord {
  return {
    id: row.id,
    codeHash: row.code_hash,
    installerId: row.installer_id,
    group: row.group_name,
    createdBy: row.created_by,
    createdByName: row.created_by_name,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    allowInstalledAgent: row.allow_installed_agent === 1,
    deviceId: row.device_id ?? row.enrolled_device_id,
    isInstalledAgent: row.device_id !== null,
    endedAt: fromMillisOrNull(row.ended_at),
  };
}
