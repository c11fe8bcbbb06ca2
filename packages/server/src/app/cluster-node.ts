import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Cluster } from '../cluster/cluster.js';
import { joinClusterPresence } from '../cluster/cluster-presence.js';
import { sweepDeadNodeSessions } from '../cluster/dead-node-sessions.js';
import { joinCluster, ownNodeUrl, type JoinClusterDeps } from '../cluster/join-cluster.js';
import type { ServerConfig } from '../config/config.js';
import type { DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';

/** This node in its cluster, and how it leaves. */
export interface ClusterNodeRun {
  cluster: Cluster;
  /** Stops learning the others' agents and ending dead nodes' sessions (the bus stays open). */
  stop(): Promise<void>;
}

/**
 * Joins this node to its cluster (a cluster of one without `--nats`): the node list with this
 * node's own agent count, presence across nodes, and the sweep that ends the sessions of relay
 * nodes found dead.
 *
 * @example
 * const node = await joinAsNode({ config, store, clock, log, audit, presence, port: () => bound.port });
 */
export async function joinAsNode(deps: {
  config: ServerConfig;
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  presence: DevicePresence;
  /** The HTTPS listener's port once bound. */
  port: () => number | undefined;
  /** Tests put nodes of one process in one group instead. */
  join?: ((deps: JoinClusterDeps) => Promise<Cluster>) | undefined;
}): Promise<ClusterNodeRun> {
  const { config, store, clock, log, audit, presence } = deps;
  const cluster = await (deps.join ?? joinCluster)({
    ...{ config, store, clock, log },
    url: () => ownNodeUrl(config.listen.host, deps.port() ?? config.listen.port),
    // This node's own agents (presence.size), not the cluster's.
    agents: () => presence.size,
  });
  const checkEveryMs = (config.cluster?.heartbeatSec ?? 5) * 1000;
  const leavePresence = await joinClusterPresence({
    ...{ cluster, presence, store, clock, log },
    checkEveryMs,
  });
  const stopSweep = sweepDeadNodeSessions({
    ...{ cluster, store, clock, log, audit },
    checkEveryMs,
  });
  return {
    cluster,
    async stop() {
      stopSweep();
      await leavePresence();
    },
  };
}
