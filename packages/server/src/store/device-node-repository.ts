import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import './migrations/cluster.js';

/** Which node holds each connected agent's control channel (X-3, `device_nodes`). */
export interface DeviceNodeRepository {
  /** `nodeId` holds the agent of `deviceId` since `at` (replacing whichever node held it). */
  hold(deviceId: string, nodeId: string, at: Date): Promise<void>;
  /** `nodeId` no longer holds it (a row another node wrote since stays). */
  release(deviceId: string, nodeId: string): Promise<void>;
  /** `nodeId` holds nothing any more (it is shutting down). */
  releaseNode(nodeId: string): Promise<void>;
}

export function createDeviceNodeRepository(db: Kysely<Database>): DeviceNodeRepository {
  return {
    async hold(deviceId, nodeId, at) {
      const values = { node_id: nodeId, connected_at: at.getTime() };
      await db
        .insertInto('device_nodes')
        .values({ device_id: deviceId, ...values })
        .onConflict((conflict) => conflict.column('device_id').doUpdateSet(values))
        .execute();
    },
    async release(deviceId, nodeId) {
      await db
        .deleteFrom('device_nodes')
        .where('device_id', '=', deviceId)
        .where('node_id', '=', nodeId)
        .execute();
    },
    async releaseNode(nodeId) {
      await db.deleteFrom('device_nodes').where('node_id', '=', nodeId).execute();
    },
  };
}
