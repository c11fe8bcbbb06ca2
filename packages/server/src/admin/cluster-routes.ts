import { clusterEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import type { ServerContext } from '../ports/server-context.js';

/** The node list on the admin listener: read-only, every node answers alike. */
export function clusterAdminRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, clusterEndpoints.nodes, async () => {
    const { cluster } = context;
    const nodes = await cluster.nodes();
    return {
      isClustered: cluster.isClustered,
      nodes: nodes.map((node) => ({
        ...{ id: node.id, url: node.url, version: node.version, agents: node.agents },
        startedAt: node.startedAt.toISOString(),
        lastHeartbeatAt: node.lastHeartbeatAt.toISOString(),
        isAlive: node.isAlive,
        isThisNode: node.id === cluster.nodeId,
      })),
    };
  });
}
