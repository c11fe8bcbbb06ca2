import type { ClusterNode } from '@tether/server';
import type { Command } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

const HOW_TO_CLUSTER =
  'Start each node with `tether server --database postgres://… --nats nats://…` (README, "Cluster mode").';

function describe(nodes: ClusterNode[], engine: 'sqlite' | 'postgres'): string {
  if (engine === 'sqlite') return `single node, no cluster (SQLite database). ${HOW_TO_CLUSTER}`;
  if (nodes.length === 0)
    return `No node has registered: no server runs in cluster mode on this database. ${HOW_TO_CLUSTER}`;
  const rows = nodes.map((node) => [
    node.id,
    node.isAlive ? 'alive' : 'dead',
    String(node.agents),
    node.lastHeartbeatAt.toISOString(),
    node.startedAt.toISOString(),
    node.version,
    node.url,
  ]);
  const header = ['NODE', 'STATE', 'AGENTS', 'LAST HEARTBEAT', 'STARTED', 'VERSION', 'URL'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const alive = nodes.filter((node) => node.isAlive);
  const agents = alive.reduce((sum, node) => sum + node.agents, 0);
  return [
    line(header),
    ...rows.map(line),
    `${alive.length} alive, ${nodes.length - alive.length} dead; ${agents} agents on live nodes.`,
  ].join('\n');
}

export const adminNodesCommand: Command = {
  name: 'admin nodes',
  summary: 'List the cluster nodes: alive or dead, their agents and last heartbeat.',
  usage: `tether admin nodes [--json] [--data-dir DIR] [--config FILE] [--database URL]

Reads the node list from the database every node of a cluster shares (the config file's
"database", TETHER_DATABASE or --database): each node's id, state (alive while its heartbeat
lease is current; dead nodes stay listed for 10 minutes), the agents it holds at its last
heartbeat, when it started, its version and the URL the other nodes reach it at.
--json prints the list as JSON instead.

A server on SQLite is a single node: there is no cluster to list.`,
  options: { ...dataDirOptions, database: { type: 'string' }, json: { type: 'boolean' } },
  async run(input) {
    const { listClusterNodes, systemClock } = await import('@tether/server');
    const config = await serverConfigFrom(input);
    const { nodes, engine } = await withStore(config, async ({ store }) => ({
      nodes: await listClusterNodes(store.clusterNodes, systemClock.now()),
      engine: store.engine,
    }));
    if (input.values.json === true) {
      input.out(JSON.stringify({ isClustered: engine === 'postgres' && nodes.length > 0, nodes }));
    } else input.out(describe(nodes, engine));
    return 0;
  },
};
