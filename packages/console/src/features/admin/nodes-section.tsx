import { clusterEndpoints, type ClusterNodesResponse } from '@tether/protocol';
import { Loaded } from '../../components/loaded.js';
import { useLoad } from '../../hooks/use-load.js';
import { useNow } from '../../hooks/use-now.js';
import { formatDateTime } from '../../format/format.js';

/** The list refreshes this often: a dead node shows within a lease or two. */
const REFRESH_MS = 5_000;

function SingleNode({ view }: { view: ClusterNodesResponse }) {
  const [self] = view.nodes;
  return (
    <div className="card" data-testid="nodes-single">
      <p>
        <strong>Single node, no cluster.</strong>{' '}
        {self && `This server holds ${self.agents} agents (version ${self.version}).`}
      </p>
      <p className="muted">
        To run several nodes behind a load balancer, start every node with the same PostgreSQL
        database, the same NATS server and a copy of this server’s <code>keys/</code> folder:{' '}
        <code>tether server --database postgres://… --nats nats://…</code> (README, “Cluster mode”).
      </p>
    </div>
  );
}

function NodeTable({ view }: { view: ClusterNodesResponse }) {
  const alive = view.nodes.filter((node) => node.isAlive);
  const agents = alive.reduce((sum, node) => sum + node.agents, 0);
  return (
    <>
      <p className="muted" data-testid="nodes-summary">
        {alive.length} alive, {view.nodes.length - alive.length} dead; {agents} agents on live
        nodes. A node whose heartbeat stops is dead after three missed beats and stays listed for 10
        minutes.
      </p>
      <div className="table-wrap">
        <table className="table" data-testid="nodes-table">
          <thead>
            <tr>
              <th>Node</th>
              <th>State</th>
              <th>Agents</th>
              <th>Last heartbeat</th>
              <th>Started</th>
              <th>Version</th>
              <th>URL</th>
              <th>Bus round trip</th>
            </tr>
          </thead>
          <tbody>
            {view.nodes.map((node) => (
              <tr key={node.id} data-testid="node-row" data-alive={String(node.isAlive)}>
                <td>
                  <code>{node.id}</code>
                  {node.isThisNode && <span className="muted"> (this node)</span>}
                </td>
                <td>
                  <span className={`badge badge-${node.isAlive ? 'active' : 'lost'}`}>
                    {node.isAlive ? 'Alive' : 'Dead'}
                  </span>
                </td>
                <td data-testid="node-agents">{node.agents}</td>
                <td>{formatDateTime(node.lastHeartbeatAt, { withSeconds: true })}</td>
                <td>{formatDateTime(node.startedAt)}</td>
                <td>{node.version}</td>
                <td>
                  <code>{node.url}</code>
                </td>
                <td>
                  {node.busRoundTripMs !== null
                    ? `${node.busRoundTripMs} ms`
                    : node.isAlive
                      ? 'no answer over NATS'
                      : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * The cluster's nodes: each node's state, agents, heartbeat and bus round trip; a single
 * node says so and how to start a cluster. Read-only.
 *
 * @example
 * ADMIN_SECTIONS: { name: 'nodes', label: 'Nodes', render: () => <NodesSection /> }
 */
export function NodesSection() {
  const now = useNow(REFRESH_MS);
  const [view, reload] = useLoad((api) => api.call(clusterEndpoints.nodes, {}), [now]);
  return (
    <Loaded load={view} onRetry={reload}>
      {(value) => (value.isClustered ? <NodeTable view={value} /> : <SingleNode view={value} />)}
    </Loaded>
  );
}
