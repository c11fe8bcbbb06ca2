import { networkInterfaces } from 'node:os';
import { AppError, TETHER_VERSION } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { ServerConfig } from '../config/config.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import { newNodeId, singleNode, type Cluster } from './cluster.js';
import { connectNatsBus } from './nats-bus.js';
import { registerNode } from './node-registry.js';
import { answerPings } from './node-ping.js';

/** What {@link joinCluster} needs. */
export interface JoinClusterDeps {
  config: ServerConfig;
  store: Store;
  clock: Clock;
  log: Logger;
  /** This node's own URL (its HTTPS listener), known once it is bound. */
  url: () => string;
  /** Agents connected to this node now, for its heartbeat. */
  agents: () => number;
}

/**
 * This node's cluster: with `cluster.nats` configured, connects to NATS and registers the node
 * in the shared database (heartbeat lease); otherwise a cluster of one.
 */
export async function joinCluster(deps: JoinClusterDeps): Promise<Cluster> {
  const cluster = await clusterOf(deps);
  answerPings(cluster);
  return cluster;
}

async function clusterOf(deps: JoinClusterDeps): Promise<Cluster> {
  const settings = deps.config.cluster;
  if (!settings) {
    return singleNode({
      ...{ url: deps.url, version: TETHER_VERSION, agents: deps.agents },
      now: () => deps.clock.now(),
    });
  }
  if (deps.store.engine !== 'postgres') {
    throw new AppError(
      'INVALID_INPUT',
      'Cluster mode (--nats) needs a PostgreSQL database shared by every node (--database postgres://…): a SQLite file belongs to one node.',
    );
  }
  const nodeId = settings.nodeId ?? newNodeId();
  const bus = await connectNatsBus({ servers: settings.nats, nodeId, log: deps.log });
  const registry = await registerNode({
    repository: deps.store.clusterNodes,
    clock: deps.clock,
    log: deps.log,
    nodeId,
    version: TETHER_VERSION,
    heartbeatSec: settings.heartbeatSec,
    url: () => settings.nodeUrl ?? deps.url(),
    agents: deps.agents,
  }).catch(async (error: unknown) => {
    await bus.close();
    throw error;
  });
  deps.log.info({ nodeId }, 'joined the cluster');
  return {
    nodeId,
    isClustered: true,
    bus,
    nodes: () => registry.nodes(),
    nodeUrl: (id) => registry.nodeUrl(id),
    onReconnected: (listener) => bus.onReconnected(listener),
    async close() {
      await registry.leave();
      await bus.close();
    },
  };
}

/**
 * Where the other nodes reach this one when `cluster.nodeUrl` is not set: its HTTPS listener on
 * the address it binds, or (bound to every address) this machine's first external IPv4 address.
 */
export function ownNodeUrl(host: string, port: number): string {
  const address =
    host === '0.0.0.0' || host === '::'
      ? (Object.values(networkInterfaces())
          .flat()
          .find((each) => each && each.family === 'IPv4' && !each.internal)?.address ?? '127.0.0.1')
      : host;
  return `https://${address.includes(':') ? `[${address}]` : address}:${port}`;
}
