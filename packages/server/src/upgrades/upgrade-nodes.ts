import { StartUpgradeRequest } from '@tether/protocol';
import { z } from 'zod';
import type { Cluster } from '../cluster/cluster.js';
import { subjects } from '../cluster/subjects.js';
import type { Logger } from '../logging.js';

const Requested = z.object({
  origin: z.string(),
  request: StartUpgradeRequest,
  version: z.string(),
});

/** What the upgrade service knows of the other nodes; see {@link upgradeNodes}. */
export interface UpgradeNodes {
  /** How many nodes share the limits: the live nodes, at least this one. */
  share(): number;
  /** Reads the node list again (the scheduler calls it every few seconds). */
  refresh(): Promise<void>;
  /** Tells the other nodes of a manual upgrade asked here. */
  announce(request: StartUpgradeRequest, version: string): void;
  stop(): void;
}

/**
 * Upgrades across a cluster's nodes. Each node offers upgrades to the agents it holds,
 * and serves their downloads, so the fleet's limits are shared out: each live node takes its
 * share of the concurrent upgrades and of the bandwidth (the sum never exceeds the limit; a
 * node holding more agents than the others is slower to get through them). A manual upgrade
 * asked on one node is queued on every node (`onRequested`), so each device is upgraded by
 * whichever node it is connected to, now or when it next connects. A single node (no cluster,
 * or one not clustered) shares nothing.
 *
 * @example
 * const nodes = upgradeNodes(cluster, log, (request, version) => queueHere(request, version));
 * const free = Math.floor(settings.maxConcurrent / nodes.share()) - running;
 */
export function upgradeNodes(
  cluster: Cluster | undefined,
  log: Logger,
  onRequested: (request: StartUpgradeRequest, version: string) => void,
): UpgradeNodes {
  if (!cluster?.isClustered)
    return {
      share: () => 1,
      refresh: () => Promise.resolve(),
      announce: () => undefined,
      stop() {},
    };
  let live = 1;
  const stop = cluster.bus.subscribe(subjects.upgradeRequested, (raw) => {
    const parsed = Requested.safeParse(raw);
    if (!parsed.success) log.warn('malformed upgrade request from another node ignored');
    else if (parsed.data.origin !== cluster.nodeId)
      onRequested(parsed.data.request, parsed.data.version);
  });
  return {
    share: () => live,
    async refresh() {
      const nodes = await cluster.nodes();
      live = Math.max(1, nodes.filter((node) => node.isAlive).length);
    },
    announce(request, version) {
      cluster.bus.publish(subjects.upgradeRequested, { origin: cluster.nodeId, request, version });
    },
    stop,
  };
}
