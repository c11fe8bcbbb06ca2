import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics, LISTED_EVERY_MS } from './metrics.js';

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

test('handles, resources and descriptors are listed at most every 10 s; other figures every scrape', async () => {
  let now = 0;
  let online = 7;
  const metrics = createMetrics(
    { ...sources(() => Promise.resolve([])), devicesOnline: () => online },
    { now: () => now },
  );
  const resources = (body: string): number =>
    Number(/^tether_nodejs_active_resources_total (\d+)$/m.exec(body)?.[1]);
  const first = (await metrics.render()).body;
  const timers = Array.from({ length: 20 }, () => setInterval(() => undefined, 60_000));
  try {
    online = 8;
    now = LISTED_EVERY_MS - 1;
    const cached = (await metrics.render()).body;
    assert.equal(resources(cached), resources(first), 'the last listing, repeated');
    assert.match(cached, /^tether_devices_online 8$/m);
    now = LISTED_EVERY_MS;
    const listed = (await metrics.render()).body;
    assert.ok(
      resources(listed) >= resources(first) + 20,
      `${resources(first)} → ${resources(listed)}`,
    );
  } finally {
    for (const timer of timers) clearInterval(timer);
  }
});
