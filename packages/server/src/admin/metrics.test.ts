import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from './metrics.js';

const sources = (
  clusterNodes: () => Promise<{ id: string; agents: number; isAlive: boolean }[]>,
) => ({
  devicesOnline: () => 7,
  sessionsActive: () => 2,
  agentAdmissions: () => ({ admitted: 9, deferred: 1 }),
  clusterNodes,
});

test('a scrape lists the cluster from the node list', async () => {
  const metrics = createMetrics(
    sources(() =>
      Promise.resolve([
        { id: 'node-1', agents: 7, isAlive: true },
        { id: 'node-2', agents: 3, isAlive: false },
      ]),
    ),
  );
  const { body } = await metrics.render();
  assert.match(body, /^tether_cluster_view_up 1$/m);
  assert.match(body, /^tether_cluster_nodes\{state="alive"\} 1$/m);
  assert.match(body, /^tether_cluster_nodes\{state="dead"\} 1$/m);
  assert.match(body, /^tether_cluster_agents\{node="node-1"\} 7$/m);
  assert.doesNotMatch(body, /node="node-2"/);
});

test('a scrape still answers with what the node knows when the node list cannot be read', async () => {
  let isDatabaseDown = true;
  const metrics = createMetrics(
    sources(() =>
      isDatabaseDown
        ? Promise.reject(new Error('database unavailable'))
        : Promise.resolve([{ id: 'node-1', agents: 7, isAlive: true }]),
    ),
  );
  const down = (await metrics.render()).body;
  assert.match(down, /^tether_devices_online 7$/m);
  assert.match(down, /^tether_sessions_active 2$/m);
  assert.match(down, /^tether_cluster_view_up 0$/m);
  assert.doesNotMatch(down, /^tether_cluster_nodes\{/m);
  assert.doesNotMatch(down, /^tether_cluster_agents\{/m);

  isDatabaseDown = false;
  const back = (await metrics.render()).body;
  assert.match(back, /^tether_cluster_view_up 1$/m);
  assert.match(back, /^tether_cluster_agents\{node="node-1"\} 7$/m);
});
