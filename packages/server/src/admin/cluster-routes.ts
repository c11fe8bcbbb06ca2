import { clusterEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import type { ServerContext } from '../ports/server-context.js';
import { pingNode } from '../cluster/node-ping.js';

/** The node list on the admin listener: read-only, every node answers alike. */
export function clusterAdminRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, clusterEndpoints.nodes, async () => {
    const { cluster } = context;
    const nodes = await cluster.nodes();
    const roundTrips = await Promise.all(
      nodes.map((node) => (node.isAlive ? pingNode(cluster, node.id) : Promise.resolve(undefined))),
    );
    return {
      isClustered: cluster.isClustered,
      nodes: nodes.map((node, index) => ({
        ...{ id: node.id, url: node.url, version: node.version, agents: node.agents },
        startedAt: node.startedAt.toISOString(),
        lastHeartbeatAt: node.lastHeartbeatAt.toISOString(),
        isAlive: node.isAlive,
        busRoundTripMs: roundTrips[index] ?? null,
        isThisNode: node.id === cluster.nodeId,
      })),
    };
  });
}
