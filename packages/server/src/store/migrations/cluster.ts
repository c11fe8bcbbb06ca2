import type { Kysely } from 'kysely';

/**
 * The nodes of a cluster, each renewing its lease with a heartbeat. A node whose lease
 * ran out is dead: what it held (agents, upload claims) is free for the others.
 */
export interface ClusterNodesTable {
  id: string;
  /** Where the other nodes reach it directly (`https://host:port`, its own listener). */
  url: string;
  version: string;
  /** Epoch milliseconds. */
  started_at: number;
  /** Epoch milliseconds of its last heartbeat. */
  heartbeat_at: number;
  /** Epoch milliseconds after which it counts as dead unless it beats again. */
  lease_until: number;
  /** Agents connected to it at its last heartbeat. */
  agents: number;
}

/** Which node holds each connected agent's control channel; rows of dead nodes are ignored. */
export interface DeviceNodesTable {
  device_id: string;
  node_id: string;
  /** Epoch milliseconds. */
  connected_at: number;
}

declare module '../schema.js' {
  interface Database {
    cluster_nodes: ClusterNodesTable;
    device_nodes: DeviceNodesTable;
  }
}

/** Tables of their own; a single node writes itself as the only node. */
export async function createClusterSchema(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cluster_nodes')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('version', 'text', (col) => col.notNull())
    .addColumn('started_at', 'bigint', (col) => col.notNull())
    .addColumn('heartbeat_at', 'bigint', (col) => col.notNull())
    .addColumn('lease_until', 'bigint', (col) => col.notNull())
    .addColumn('agents', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('device_nodes')
    .addColumn('device_id', 'text', (col) =>
      col.primaryKey().references('devices.id').onDelete('cascade'),
    )
    .addColumn('node_id', 'text', (col) => col.notNull())
    .addColumn('connected_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('device_nodes_node').on('device_nodes').column('node_id').execute();
  // The node a session's relay pairs on (where it was opened); a relay end that lands on
  // another node is bridged there.
  await db.schema.alterTable('sessions').addColumn('node_id', 'text').execute();
}
