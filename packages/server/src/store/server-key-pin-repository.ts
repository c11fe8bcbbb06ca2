import type { Kysely } from 'kysely';
import { compiledOnce, inList } from './compiled-query.js';
import { batchedLookup } from './turn-batch.js';
import type { Database } from './schema.js';
import './migrations/server-keys.js';

/** Which server key each device's agent has pinned (S-6). */
export interface ServerKeyPinRepository {
  /** The agent of `deviceId` confirmed it pins the key with this fingerprint. */
  record(deviceId: string, fingerprint: string, at: Date): Promise<void>;
  /** The fingerprint the device's agent last confirmed, if any. */
  find(deviceId: string): Promise<string | undefined>;
  /** Devices per key fingerprint (keys nobody pins are absent). */
  counts(): Promise<Map<string, number>>;
  /**
   * Gives every device without a recorded pin this fingerprint: devices enrolled before pins
   * were recorded pinned the server's first key. Returns how many it gave it to.
   */
  adoptUnpinned(fingerprint: string, at: Date): Promise<number>;
}

export function createServerKeyPinRepository(db: Kysely<Database>): ServerKeyPinRepository {
  const findPin = compiledOnce(db, 1, (deviceId) =>
    db
      .selectFrom('device_server_keys')
      .select(['device_id', 'key_fingerprint'])
      .where('device_id', '=', deviceId),
  );
  // Every agent connection proves its pin: a reconnect storm reads a few hundred at a time.
  const pinOf = batchedLookup({
    one: (deviceId) => findPin(deviceId),
    many: (deviceIds) =>
      db
        .selectFrom('device_server_keys')
        .select(['device_id', 'key_fingerprint'])
        .where('device_id', 'in', inList(deviceIds))
        .execute(),
    keyOf: (row) => row.device_id,
  });
  return {
    async record(deviceId, fingerprint, at) {
      const pinnedAt = at.getTime();
      await db
        .insertInto('device_server_keys')
        .values({ device_id: deviceId, key_fingerprint: fingerprint, pinned_at: pinnedAt })
        .onConflict((conflict) =>
          conflict
            .column('device_id')
            .doUpdateSet({ key_fingerprint: fingerprint, pinned_at: pinnedAt }),
        )
        .execute();
    },
    async find(deviceId) {
      const [row] = await pinOf(deviceId);
      return row?.key_fingerprint;
    },
    async counts() {
      const rows = await db
        .selectFrom('device_server_keys')
        .select(['key_fingerprint', (eb) => eb.fn.countAll().as('devices')])
        .groupBy('key_fingerprint')
        .execute();
      // PostgreSQL counts in bigint, which comes back as text.
      return new Map(rows.map((row) => [row.key_fingerprint, Number(row.devices)]));
    },
    async adoptUnpinned(fingerprint, at) {
      const result = await db
        .insertInto('device_server_keys')
        .columns(['device_id', 'key_fingerprint', 'pinned_at'])
        .expression((eb) =>
          eb
            .selectFrom('devices')
            .select((inner) => [
              'devices.id',
              inner.val(fingerprint).as('key_fingerprint'),
              inner.val(at.getTime()).as('pinned_at'),
            ])
            .where((where) =>
              where.not(
                where.exists(
                  where
                    .selectFrom('device_server_keys')
                    .select('device_server_keys.device_id')
                    .whereRef('device_server_keys.device_id', '=', 'devices.id'),
                ),
              ),
            ),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },
  };
}
