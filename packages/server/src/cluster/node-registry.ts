import { repeat, type Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { ClusterNodeRepository } from '../store/cluster-node-repository.js';
import type { ClusterNode } from './cluster.js';

/** How long a dead node stays in the node list (shown as dead) before it is forgotten. */
export const DEAD_NODES_SHOWN_MS = 10 * 60_000;
/** A node silent for this many heartbeats is dead: its lease ran out. */
export const LEASE_HEARTBEATS = 3;

/** This node's row in `cluster_nodes`, renewed by a heartbeat, and the list of all nodes. */
export interface NodeRegistry {
  nodes(): Promise<ClusterNode[]>;
  nodeUrl(nodeId: string): Promise<string | undefined>;
  /** Stops the heartbeat and removes the row: the node left cleanly. */
  leave(): Promise<void>;
}

/**
 * Registers this node (its first heartbeat is awaited, so a database that refuses fails the
 * start) and renews its lease every `heartbeatSec`; a failed beat is logged and retried at the
 * next one. Each beat also forgets nodes dead for longer than {@link DEAD_NODES_SHOWN_MS}.
 */
export async function registerNode(deps: {
  repository: ClusterNodeRepository;
  clock: Clock;
  log: Logger;
  nodeId: string;
  version: string;
  heartbeatSec: number;
  url: () => string;
  agents: () => number;
}): Promise<NodeRegistry> {
  const { repository, clock, nodeId } = deps;
  const startedAt = clock.now();
  const periodMs = deps.heartbeatSec * 1000;
  const beat = async (): Promise<void> => {
    const now = clock.now();
    await repository.beat({
      id: nodeId,
      url: deps.url(),
      version: deps.version,
      startedAt,
      heartbeatAt: now,
      leaseUntil: new Date(now.getTime() + LEASE_HEARTBEATS * periodMs),
      agents: deps.agents(),
    });
    await repository.prune(new Date(now.getTime() - DEAD_NODES_SHOWN_MS));
  };
  await beat();
  let isBeating = false;
  const stop = repeat(
    clock,
    () => {
      if (isBeating) return;
      isBeating = true;
      beat()
        .catch((error: unknown) =>
          deps.log.warn({ err: error }, 'the cluster heartbeat failed; retrying'),
        )
        .finally(() => (isBeating = false));
    },
    periodMs,
  );
  const nodes = (): Promise<ClusterNode[]> => listClusterNodes(repository, clock.now());
  return {
    nodes,
    async nodeUrl(id) {
      return (await nodes()).find((node) => node.id === id && node.isAlive)?.url;
    },
    async leave() {
      stop();
      await repository
        .remove(nodeId)
        .catch((error: unknown) =>
          deps.log.warn({ err: error }, 'this node could not leave the node list'),
        );
    },
  };
}

/**
 * The node list: nodes with a current lease and those dead for at most
 * {@link DEAD_NODES_SHOWN_MS}. Also read headless (`tether admin nodes`).
 */
export async function listClusterNodes(
  repository: ClusterNodeRepository,
  now: Date,
): Promise<ClusterNode[]> {
  const rows = await repository.list(now, new Date(now.getTime() - DEAD_NODES_SHOWN_MS));
  return rows.map((row) => ({
    id: row.id,
    url: row.url,
    version: row.version,
    startedAt: row.startedAt,
    lastHeartbeatAt: row.heartbeatAt,
    agents: row.agents,
    isAlive: row.leaseUntil.getTime() >= now.getTime(),
  }));
}
