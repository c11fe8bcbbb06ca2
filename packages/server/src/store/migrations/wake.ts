import type { Kysely } from 'kysely';

/**
 * Where a passive agent listens for wake-ups, as it said when it was last connected:
 * the address its connection came from and the port it bound. The interfaces it reported are
 * in the device's inventory.
 */
export interface DeviceWakeAddressesTable {
  device_id: string;
  /** The source address of its last control connection (NAT or proxy: maybe not its own). */
  remote_address: string;
  passive_port: number;
  /** Epoch milliseconds of the report. */
  reported_at: number;
}

declare module '../schema.js' {
  interface Database {
    device_wake_addresses: DeviceWakeAddressesTable;
  }
}

/** A table of its own, so the devices table and its repository stay as they are. */
export async function createDeviceWakeAddresses(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('device_wake_addresses')
    .addColumn('device_id', 'text', (col) =>
      col.primaryKey().references('devices.id').onDelete('cascade'),
    )
    .addColumn('remote_address', 'text', (col) => col.notNull())
    .addColumn('passive_port', 'integer', (col) => col.notNull())
    .addColumn('reported_at', 'bigint', (col) => col.notNull())
    .execute();
}
