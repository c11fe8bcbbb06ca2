import type { Kysely } from 'kysely';

/**
 * Which server signing key each device's agent has pinned (S-6): written at enrolment and
 * whenever the agent confirms a new pin, read to count the agents still on a key.
 */
export interface DeviceServerKeysTable {
  device_id: string;
  /** base64url SHA-256 of the server key's raw public key (its fingerprint). */
  key_fingerprint: string;
  /** Epoch milliseconds of the agent's confirmation. */
  pinned_at: number;
}

declare module '../schema.js' {
  interface Database {
    device_server_keys: DeviceServerKeysTable;
  }
}

/** A table of its own, so the devices table and its repository stay as they are. */
export async function createDeviceServerKeys(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('device_server_keys')
    .addColumn('device_id', 'text', (col) =>
      col.primaryKey().references('devices.id').onDelete('cascade'),
    )
    .addColumn('key_fingerprint', 'text', (col) => col.notNull())
    .addColumn('pinned_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('device_server_keys_fingerprint')
    .on('device_server_keys')
    .column('key_fingerprint')
    .execute();
}
