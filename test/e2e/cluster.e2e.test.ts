import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClusterNodesResponse } from '@tether/protocol';
import { runCli, startCli, stopProcess, waitFor } from '../support/cli.js';
import {
  enrollThroughBalancer,
  startCluster,
  type ClusterNodeProcess,
  type TestCluster,
} from '../support/cluster.js';

const AGENTS = 6;
/** A killed node's lease (3 heartbeats of 1 s) runs out well within this. */
const LEASE_DEADLINE_MS = 15_000;

async function nodeList(node: ClusterNodeProcess): Promise<ClusterNodesResponse> {
  const answer = await node.conf.request('GET', '/conf/api/cluster/nodes');
  assert.equal(answer.status, 200, answer.text);
  return answer.json(ClusterNodesResponse);
}

/** Agents on each live node, by node id, once the live nodes together hold `total`. */
async function agentsSettled(
  node: ClusterNodeProcess,
  expected: { alive: number; total: number },
): Promise<Map<string, number>> {
  return waitFor(
    `${expected.total} agents on ${expected.alive} live nodes`,
    async () => {
      const { nodes } = await nodeList(node);
      const alive = nodes.filter((each) => each.isAlive);
      const total = alive.reduce((sum, each) => sum + each.agents, 0);
      if (alive.length !== expected.alive || total !== expected.total) return undefined;
      return new Map(alive.map((each) => [each.id, each.agents]));
    },
    120_000,
  );
}

describe('cluster mode: three node processes on PostgreSQL and NATS behind HAProxy', () => {
  let cluster: TestCluster;
  let agentsDir: string;
  const agents: ReturnType<typeof startCli>[] = [];

  before(async () => {
    cluster = await startCluster({ count: 3 });
    agentsDir = await mkdtemp(join(tmpdir(), 'tether-cluster-agents-'));
    // Enrolled through the balancer, then started one after another: HAProxy deals their
    // control connections round-robin.
    const dataDirs = Array.from({ length: AGENTS }, (_, index) =>
      join(agentsDir, `agent-${index}`),
    );
    await enrollThroughBalancer(cluster, { group: 'Cluster', dataDirs });
    for (const dataDir of dataDirs) agents.push(startCli(['agent', 'run', '--data-dir', dataDir]));
  });

  after(async () => {
    await Promise.all(agents.map((agent) => stopProcess(agent)));
    await (cluster as TestCluster | undefined)?.stop();
    if (agentsDir) await rm(agentsDir, { recursive: true, force: true });
  });

  it('lists three live nodes whose agents add up to the fleet, spread by the balancer (API, metrics and CLI)', async () => {
    const [first] = cluster.nodes;
    assert.ok(first);
    const spread = await agentsSettled(first, { alive: 3, total: AGENTS });
    assert.ok(
      [...spread.values()].filter((count) => count > 0).length >= 2,
      `agents spread: ${JSON.stringify([...spread])}`,
    );
    const listed = await nodeList(first);
    assert.equal(listed.isClustered, true);
    assert.deepEqual(
      listed.nodes.map((node) => node.id),
      ['node-1', 'node-2', 'node-3'],
    );
    assert.ok(
      listed.nodes.every((node) => node.busRoundTripMs !== null),
      JSON.stringify(listed),
    );
    assert.deepEqual(
      listed.nodes.map((node) => node.isThisNode),
      [true, false, false],
    );
    const scrape = await first.conf.request('GET', '/metrics');
    assert.equal(scrape.status, 200, scrape.text);
    const metrics = scrape.text;
    assert.match(metrics, /^tether_cluster_nodes\{state="alive"\} 3$/m);
    const perNode = [...metrics.matchAll(/^tether_cluster_agents\{node="node-\d"\} (\d+)$/gm)];
    assert.equal(perNode.length, 3, metrics);
    assert.equal(
      perNode.reduce((sum, match) => sum + Number(match[1]), 0),
      AGENTS,
    );
    const cli = await runCli([
      ...['admin', 'nodes', '--json', '--data-dir', first.dataDir],
      ...['--database', cluster.postgres.url],
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout) as { nodes: { id: string; isAlive: boolean }[] };
    assert.deepEqual(
      fromCli.nodes.map((node) => [node.id, node.isAlive]),
      [
        ['node-1', true],
        ['node-2', true],
        ['node-3', true],
      ],
    );
    const table = await runCli([
      ...['admin', 'nodes', '--data-dir', first.dataDir, '--database', cluster.postgres.url],
    ]);
    assert.match(table.stdout, /3 alive, 0 dead; 6 agents on live nodes\./);
  });

  it('a node killed with -9 is dead in the list within its lease, and its agents are back on the other two', async () => {
    const [first, second] = cluster.nodes;
    assert.ok(first && second);
    const killedAt = Date.now();
    await cluster.kill(second);
    await waitFor(
      'node-2 listed as dead',
      async () =>
        (await nodeList(first)).nodes.find((node) => node.id === 'node-2')?.isAlive === false ||
        undefined,
      LEASE_DEADLINE_MS,
    );
    const deadAfterMs = Date.now() - killedAt;
    const spread = await agentsSettled(first, { alive: 2, total: AGENTS });
    assert.deepEqual([...spread.keys()].sort(), ['node-1', 'node-3']);
    console.log(
      `node-2 dead in the list after ${deadAfterMs} ms; all agents back after ${Date.now() - killedAt} ms: ${JSON.stringify([...spread])}`,
    );
  });

  it('after NATS restarts, every live node answers over the bus again', async () => {
    const [first] = cluster.nodes;
    assert.ok(first);
    await cluster.nats.halt();
    await waitFor(
      'the bus to be down',
      async () =>
        (await nodeList(first)).nodes.some(
          (node) => node.isAlive && node.busRoundTripMs === null,
        ) || undefined,
    );
    await cluster.nats.resume();
    const listed = await waitFor(
      'every live node to answer over NATS again',
      async () => {
        const answer = await nodeList(first);
        const alive = answer.nodes.filter((node) => node.isAlive);
        return alive.length === 2 && alive.every((node) => node.busRoundTripMs !== null)
          ? answer
          : undefined;
      },
      60_000,
    );
    assert.deepEqual(
      listed.nodes.filter((node) => node.isAlive).map((node) => node.id),
      ['node-1', 'node-3'],
    );
  });
});
