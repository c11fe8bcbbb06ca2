import type { Kysely } from 'kysely';

declare module '../schema.js' {
  interface DevicesTable {
    /**
     * Set when an administrator (or maintenance) deletes the device. The row stays as a
     * tombstone so sessions, recordings and the audit keep their device, and so its agent,
     * should it come back, is refused and told to uninstall.
     */
    deleted_at: number | null;
    /** Set when maintenance flags the device lost (offline past the lost threshold, A-7). */
    lost_at: number | null;
    /** Set when its agent reported a local uninstall (A-8, "marked" rather than removed). */
    uninstalled_at: number | null;
  }
}

/** Device lifecycle (issue 15): deletion tombstones, lost and uninstalled marks. */
export async function addDeviceLifecycle(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('devices').addColumn('deleted_at', 'bigint').execute();
  await db.schema.alterTable('devices').addColumn('lost_at', 'bigint').execute();
  await db.schema.alterTable('devices').addColumn('uninstalled_at', 'bigint').execute();
}
