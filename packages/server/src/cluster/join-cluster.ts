import { TETHER_VERSION } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { ServerConfig } from '../config/config.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import { singleNode, type Cluster } from './cluster.js';

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
export function joinCluster(deps: JoinClusterDeps): Promise<Cluster> {
  // TODO(h16-base): the NATS bus and the node registry when deps.config.cluster is set.
  return Promise.resolve(
    singleNode({ url: deps.url, version: TETHER_VERSION, now: () => deps.clock.now() }),
  );
}
