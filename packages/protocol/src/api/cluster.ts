import { z } from 'zod';
import { Timestamp } from '../ids.js';

/** One node of the cluster as the node list shows it. */
export const ClusterNodeView = z.object({
  id: z.string(),
  /** Where the other nodes reach it directly. */
  url: z.string(),
  version: z.string(),
  startedAt: Timestamp,
  lastHeartbeatAt: Timestamp,
  /** Agents connected to it at its last heartbeat. */
  agents: z.int().min(0),
  /** Its heartbeat lease is current; a dead node stays listed for a while. */
  isAlive: z.boolean(),
  /**
   * Milliseconds the node took to answer the answering node over the bus (NATS); null when it
   * did not answer within a second (NATS unreachable, or the node dead).
   */
  busRoundTripMs: z.number().min(0).nullable(),
  /** The node that answered this request. */
  isThisNode: z.boolean(),
});
export type ClusterNodeView = z.infer<typeof ClusterNodeView>;

/** `GET /conf/api/cluster/nodes`. */
export const ClusterNodesResponse = z.object({
  /** Started with `--nats`; false: a single node (the list holds only itself). */
  isClustered: z.boolean(),
  nodes: z.array(ClusterNodeView),
});
export type ClusterNodesResponse = z.infer<typeof ClusterNodesResponse>;
