import { z } from 'zod';

/**
 * Cluster mode: absent, the server is a single node. With `nats`, it joins the nodes
 * sharing its PostgreSQL database (`database` must then be `postgres://…`).
 */
export const ClusterConfig = z
  .object({
    /** NATS server URL(s), comma-separated: `nats://host:4222`. */
    nats: z.string().min(1),
    /** This node's name in the node list; default a fresh `node-…` per start. */
    nodeId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only (at most 64)')
      .optional(),
    /**
     * Where the other nodes reach this one directly (`https://host:port`); default this
     * node's listener on its machine's address.
     */
    nodeUrl: z.url({ protocol: /^https$/ }).optional(),
    /** Seconds between heartbeats; a node silent for 3× this is dead. */
    heartbeatSec: z.number().positive().max(60).default(5),
    /**
     * How a relay end landing on another node than its session's reaches it: `direct` (a
     * node-to-node WebSocket, measured faster: bench/cluster-relay.ts) or `bus` (over NATS).
     */
    relayBridge: z.enum(['direct', 'bus']).default('direct'),
  })
  .optional();
export type ClusterConfig = z.infer<typeof ClusterConfig>;
