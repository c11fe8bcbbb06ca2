import type { Cluster } from './cluster.js';
import { subjects } from './subjects.js';

/** How long the node list waits for a node to answer over the bus. */
const PING_TIMEOUT_MS = 1_000;

/** Answers this node's pings; stopped when the bus closes. */
export function answerPings(cluster: Cluster): void {
  cluster.bus.respond(subjects.nodePing(cluster.nodeId), () =>
    Promise.resolve({ nodeId: cluster.nodeId }),
  );
}

/**
 * Asks a node over the bus and measures the round trip; undefined when it does not answer
 * within a second (NATS down, or the node gone).
 */
export async function pingNode(cluster: Cluster, nodeId: string): Promise<number | undefined> {
  const started = performance.now();
  try {
    await cluster.bus.request(subjects.nodePing(nodeId), {}, PING_TIMEOUT_MS);
    return Math.round((performance.now() - started) * 10) / 10;
  } catch {
    return undefined;
  }
}
