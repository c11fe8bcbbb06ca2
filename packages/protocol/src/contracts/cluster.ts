import { ClusterNodesResponse } from '../api/cluster.js';
import { endpoint } from './endpoint.js';

/** Cluster mode on the admin listener. */
export const clusterEndpoints = {
  nodes: endpoint({
    id: 'admin.cluster.nodes',
    method: 'GET',
    path: '/conf/api/cluster/nodes',
    summary: 'List the cluster nodes',
    description:
      'Every node with a current heartbeat lease, and nodes dead for up to 10 minutes (`isAlive: false`), with the agents each holds. A server started without `--nats` is a single node: `isClustered: false` and itself alone.',
    access: { kind: 'user', permission: 'settings.view' },
    listener: 'admin',
    success: { status: 200, body: ClusterNodesResponse },
    errors: [],
  }),
};
