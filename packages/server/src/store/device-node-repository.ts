import type { Kysely } from 'kysely';
import { inList } from './compiled-query.js';
import type { Database } from './schema.js';
import './migrations/cluster.js';

/** Which node holds each connected agent's control channel (X-3, `device_nodes`). */
export interface DeviceNodeRepository {
  /**
   * Each `nodeId` holds the agent of `deviceId` since `at` (replacing whichever node held it),
   * in one statement; of several entries for one device the last is written.
   */
  holdMany(holds: readonly { deviceId: string; nodeId: string; at: Date }[]): Promise<void>;
  /** `nodeId` no longer holds these devices (a row another node wrote since stays). */
  releaseMany(deviceIds: readonly string[], nodeId: string): Promise<void>;
  /** `nodeId` holds nothing any more (it is shutting down). */
  releaseNode(nodeId: string): Promise<void>;
}

export function createDeviceNodeRepository(db: Kysely<Database>): DeviceNodeRepository {
  return {
    async holdMany(holds) {
      // One row per device: an upsert may not touch the same row twice in one statement.
      const last = new Map(holds.map((hold) => [hold.deviceId, hold]));
      if (last.size === 0) return;
      await db
        .insertInto('device_nodes')
        .values(
          [...last.values()].map(({ deviceId, nodeId, at }) => ({
            device_id: deviceId,
            node_id: nodeId,
            connected_at: at.getTime(),
          })),
        )
        .onConflict((conflict) =>
          conflict.column('device_id').doUpdateSet((eb) => ({
            node_id: eb.ref('excluded.node_id'),
            connected_at: eb.ref('excluded.connected_at'),
          })),
        )
        .execute();
    },
    async releaseMany(deviceIds, nodeId) {
      if (deviceIds.length === 0) return;
      await db
        .deleteFrom('device_nodes')
        .where('device_id', 'in', inList(deviceIds))
        .where('node_id', '=', nodeId)
        .execute();
    },
    async releaseNode(nodeId) {
      await db.deleteFrom('device_nodes').where('node_id', '=', nodeId).execute();
    },
  };
}
