import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import './migrations/wake.js';
import { fromMillis } from './repositories/columns.js';

/** Where a passive agent last said it listens for wake-ups. */
export interface WakeAddress {
  remoteAddress: string;
  passivePort: number;
  reportedAt: Date;
}

/** Passive agents' wake addresses. */
export interface WakeAddressRepository {
  /** The agent of `deviceId`, connected from `remoteAddress`, listens on `passivePort`. */
  record(deviceId: string, address: WakeAddress): Promise<void>;
  find(deviceId: string): Promise<WakeAddress | undefined>;
}

export function createWakeAddressRepository(db: Kysely<Database>): WakeAddressRepository {
  return {
    async record(deviceId, address) {
      const values = {
        remote_address: address.remoteAddress,
        passive_port: address.passivePort,
        reported_at: address.reportedAt.getTime(),
      };
      await db
        .insertInto('device_wake_addresses')
        .values({ device_id: deviceId, ...values })
        .onConflict((conflict) => conflict.column('device_id').doUpdateSet(values))
        .execute();
    },
    async find(deviceId) {
      const row = await db
        .selectFrom('device_wake_addresses')
        .selectAll()
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return (
        row && {
          remoteAddress: row.remote_address,
          passivePort: row.passive_port,
          reportedAt: fromMillis(row.reported_at),
        }
      );
    },
  };
}
