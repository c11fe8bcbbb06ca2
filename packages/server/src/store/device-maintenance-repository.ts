import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import './migrations/device-lifecycle.js';

/** A device as maintenance weighs it: when it was last heard from, and its own limit. */
export interface MaintenanceCandidate {
  id: string;
  name: string;
  group: string;
  /** The last contact, or the enrolment when it never connected. */
  lastContactAt: Date;
  /** The device's own maximum offline time (installer attribute); null: the fleet's. */
  maxOfflineMinutes: number | null;
  isLost: boolean;
}

/** The queries of fleet maintenance (lost and delete thresholds, A-7; local uninstall, A-8). */
export interface DeviceMaintenanceRepository {
  /**
   * Devices not deleted and due for maintenance at `now`: not yet lost and silent since before
   * `lostBefore`, silent since before `deleteBefore`, or silent longer than their own maximum
   * offline time. Oldest first, at most `limit`. A null threshold selects nothing.
   */
  dueAt(query: {
    now: Date;
    lostBefore: Date | null;
    deleteBefore: Date | null;
    limit: number;
  }): Promise<MaintenanceCandidate[]>;
  /** Flags the device lost unless it already is; whether this call flagged it. */
  markLost(id: string, at: Date): Promise<boolean>;
  /** Its agent reported a local uninstall. */
  markUninstalled(id: string, at: Date): Promise<void>;
  /** Devices heard from since they were flagged lost are not lost any more; which ones. */
  clearReturned(): Promise<string[]>;
  /** The devices marked uninstalled (not deleted). */
  uninstalled(): Promise<string[]>;
  /** Clears the uninstalled mark: the agent was installed again with its identity. */
  clearUninstalled(ids: readonly string[]): Promise<void>;
  /** Each device's own maximum offline time, for devices that have one (not deleted). */
  ownOfflineLimits(): Promise<Map<string, number>>;
  /** Counts as heard from now: a device connected all along with nothing else to say. */
  touch(ids: readonly string[], at: Date): Promise<void>;
}

export function createDeviceMaintenanceRepository(
  db: Kysely<Database>,
): DeviceMaintenanceRepository {
  const lastContact = sql<number>`coalesce(last_seen_at, enrolled_at)`;
  return {
    async dueAt({ now, lostBefore, deleteBefore, limit }) {
      const rows = await db
        .selectFrom('devices')
        .select(['id', 'name', 'group_name', 'max_offline_minutes', 'lost_at'])
        .select(lastContact.as('last_contact'))
        .where('deleted_at', 'is', null)
        .where((eb) =>
          eb.or([
            ...(lostBefore
              ? [eb.and([eb('lost_at', 'is', null), eb(lastContact, '<', lostBefore.getTime())])]
              : []),
            // A device's own limit overrides the fleet's delete threshold.
            ...(deleteBefore
              ? [
                  eb.and([
                    eb('max_offline_minutes', 'is', null),
                    eb(lastContact, '<', deleteBefore.getTime()),
                  ]),
                ]
              : []),
            eb.and([
              eb('max_offline_minutes', 'is not', null),
              // CAST: minutes × 60 000 overflows PostgreSQL's integer for limits over 24 days.
              eb(
                sql<number>`${lastContact} + max_offline_minutes * CAST(60000 AS BIGINT)`,
                '<',
                now.getTime(),
              ),
            ]),
          ]),
        )
        .orderBy(lastContact)
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        group: row.group_name,
        lastContactAt: new Date(row.last_contact),
        maxOfflineMinutes: row.max_offline_minutes,
        isLost: row.lost_at !== null,
      }));
    },
    async markLost(id, at) {
      const result = await db
        .updateTable('devices')
        .set({ lost_at: at.getTime() })
        .where('id', '=', id)
        .where('lost_at', 'is', null)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async markUninstalled(id, at) {
      await db
        .updateTable('devices')
        .set({ uninstalled_at: at.getTime() })
        .where('id', '=', id)
        .execute();
    },
    async clearReturned() {
      const rows = await db
        .selectFrom('devices')
        .select('id')
        .where('lost_at', 'is not', null)
        .where(sql<boolean>`last_seen_at > lost_at`)
        .execute();
      const ids = rows.map((row) => row.id);
      if (ids.length > 0)
        await db.updateTable('devices').set({ lost_at: null }).where('id', 'in', ids).execute();
      return ids;
    },
    async uninstalled() {
      const rows = await db
        .selectFrom('devices')
        .select('id')
        .where('uninstalled_at', 'is not', null)
        .where('deleted_at', 'is', null)
        .execute();
      return rows.map((row) => row.id);
    },
    async clearUninstalled(ids) {
      if (ids.length === 0) return;
      await db
        .updateTable('devices')
        .set({ uninstalled_at: null })
        .where('id', 'in', ids)
        .execute();
    },
    async ownOfflineLimits() {
      const rows = await db
        .selectFrom('devices')
        .select(['id', 'max_offline_minutes'])
        .where('max_offline_minutes', 'is not', null)
        .where('deleted_at', 'is', null)
        .execute();
      return new Map(rows.map((row) => [row.id, Number(row.max_offline_minutes)]));
    },
    async touch(ids, at) {
      if (ids.length === 0) return;
      await db
        .updateTable('devices')
        .set({ last_seen_at: at.getTime() })
        .where('id', 'in', ids)
        .execute();
    },
  };
}
