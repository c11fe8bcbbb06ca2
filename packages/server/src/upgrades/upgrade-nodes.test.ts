import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { StartUpgradeRequest } from '@tether/protocol';
import { MemoryClusterGroup } from '../cluster/memory-cluster.js';
import { singleNode } from '../cluster/cluster.js';
import { upgradeNodes } from './upgrade-nodes.js';

const log = pino({ level: 'silent' });

test('the nodes of a cluster share the limits out, and a manual upgrade asked on one reaches the others', async () => {
  const group = new MemoryClusterGroup();
  const heard: { node: string; request: StartUpgradeRequest; version: string }[] = [];
  const join = (id: string) =>
    upgradeNodes(
      group.join(id, () => `https://${id}.test`),
      log,
      (request, version) => heard.push({ node: id, request, version }),
    );
  const [a, b, c] = [join('node-a'), join('node-b'), join('node-c')];
  assert.equal(a.share(), 1, 'one share until the node list is read');
  await a.refresh();
  assert.equal(a.share(), 3);
  a.announce({ group: 'Web servers' }, '2.0.0');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    heard.map((each) => each.node).sort(),
    ['node-b', 'node-c'],
    'the other nodes queue it, not the one that asked',
  );
  for (const each of heard) {
    assert.deepEqual(each.request, { group: 'Web servers' });
    assert.equal(each.version, '2.0.0');
  }
  for (const nodes of [a, b, c]) nodes.stop();
});

test('a single node keeps the whole limit and tells nobody', async () => {
  const nodes = upgradeNodes(
    singleNode({ url: () => 'https://one.test', version: '1.0.0', now: () => new Date() }),
    log,
    () => assert.fail('nobody else to hear it'),
  );
  await nodes.refresh();
  assert.equal(nodes.share(), 1);
  nodes.announce({ deviceIds: [] }, '2.0.0');
  nodes.stop();
});
