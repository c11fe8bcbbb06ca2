import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import './migrations/cluster.js';

/** A node's row in the registry. */
export interface ClusterNodeRecord {
  id: string;
  url: string;
  version: string;
  startedAt: Date;
  heartbeatAt: Date;
  leaseUntil: Date;
  agents: number;
}

/** The cluster's nodes and their heartbeat leases. */
export interface ClusterNodeRepository {
  /** Writes (or renews) a node's row: its heartbeat, lease and agent count. */
  beat(node: ClusterNodeRecord): Promise<void>;
  /** Nodes alive at `now`, and those dead since at most `deadSince` (the node list). */
  list(now: Date, deadSince: Date): Promise<ClusterNodeRecord[]>;
  /** Removes a node: it left cleanly. */
  remove(id: string): Promise<void>;
  /** Forgets nodes whose lease ran out before `before`. Returns how many. */
  prune(before: Date): Promise<number>;
}

export function createClusterNodeRepository(db: Kysely<Database>): ClusterNodeRepository {
  return {
    async beat(node) {
      const changing = {
        url: node.url,
        version: node.version,
        heartbeat_at: node.heartbeatAt.getTime(),
        lease_until: node.leaseUntil.getTime(),
        agents: node.agents,
      };
      await db
        .insertInto('cluster_nodes')
        .values({ id: node.id, started_at: node.startedAt.getTime(), ...changing })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(changing))
        .execute();
    },
    async list(now, deadSince) {
      const rows = await db
        .selectFrom('cluster_nodes')
        .selectAll()
        .where('lease_until', '>=', Math.min(now.getTime(), deadSince.getTime()))
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        url: row.url,
        version: row.version,
        startedAt: new Date(row.started_at),
        heartbeatAt: new Date(row.heartbeat_at),
        leaseUntil: new Date(row.lease_until),
        agents: row.agents,
      }));
    },
    async remove(id) {
      await db.deleteFrom('cluster_nodes').where('id', '=', id).execute();
    },
    async prune(before) {
      const result = await db
        .deleteFrom('cluster_nodes')
        .where('lease_until', '<', before.getTime())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
