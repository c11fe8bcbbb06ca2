import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import pino from 'pino';
import type { DeviceUpgrade, StartUpgradeRequest } from '@tether/protocol';
import { MemoryClusterGroup } from '../cluster/memory-cluster.js';
import { singleNode } from '../cluster/cluster.js';
import { sumOfNodes, upgradeNodes, type NodeUpgrades } from './upgrade-nodes.js';

const log = pino({ level: 'silent' });

const devices = new Map<string, string>();
/** The one device `node` upgrades. */
const deviceOf = (node: string): string => {
  if (!devices.has(node)) devices.set(node, randomUUID());
  return devices.get(node) ?? '';
};
const upgradeOn = (node: string): DeviceUpgrade => ({
  deviceId: deviceOf(node),
  deviceName: `web on ${node}`,
  fromVersion: '1.0.0',
  toVersion: '2.0.0',
  state: 'downloading',
  isManual: true,
  updatedAt: '2026-12-07T10:00:00.000Z',
  node,
});
/** A node upgrading one device of its own. */
const upgradesOf = (node: string): NodeUpgrades => ({
  running: 1,
  pending: 2,
  bytesPerSec: 1000,
  upgrades: [upgradeOn(node)],
});

test('the nodes of a cluster share the limits out, and a manual upgrade asked on one reaches the others', async () => {
  const group = new MemoryClusterGroup();
  const heard: { node: string; request: StartUpgradeRequest; version: string }[] = [];
  const join = (id: string) =>
    upgradeNodes(
      group.join(id, () => `https://${id}.test`),
      log,
      {
        onRequested: (request, version) => heard.push({ node: id, request, version }),
        ownUpgrades: () => upgradesOf(id),
        deviceUpgrade: (deviceId) => (deviceId === deviceOf(id) ? upgradeOn(id) : undefined),
      },
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
  const told = await a.others();
  assert.deepEqual(
    told.flatMap((node) => node.upgrades.map((upgrade) => upgrade.node)).sort(),
    ['node-b', 'node-c'],
    "the others' upgrades, for the console's progress on any node",
  );
  const cluster = sumOfNodes([upgradesOf('node-a'), ...told]);
  assert.deepEqual(
    [cluster.running, cluster.pending, cluster.bytesPerSec, cluster.upgrades.length],
    [3, 6, 3000, 3],
    'the console shows the sums of the three nodes',
  );
  assert.equal(
    (await a.upgradeOf(deviceOf('node-c')))?.node,
    'node-c',
    "a device page on A finds the device's upgrade on the node that runs it",
  );
  assert.equal(await a.upgradeOf(randomUUID()), undefined, 'a device nobody upgrades has none');
  c.stop();
  assert.equal(
    await a.upgradeOf(deviceOf('node-c')),
    undefined,
    'a node that does not answer is left out',
  );
  assert.deepEqual(
    (await a.others()).flatMap((node) => node.upgrades.map((upgrade) => upgrade.node)),
    ['node-b'],
    'a node that does not answer is left out',
  );
  for (const nodes of [a, b]) nodes.stop();
});

test('a single node keeps the whole limit and tells nobody', async () => {
  const nodes = upgradeNodes(
    singleNode({ url: () => 'https://one.test', version: '1.0.0', now: () => new Date() }),
    log,
    {
      onRequested: () => assert.fail('nobody else to hear it'),
      ownUpgrades: () => upgradesOf('node-a'),
      deviceUpgrade: () => upgradeOn('node-a'),
    },
  );
  await nodes.refresh();
  assert.equal(nodes.share(), 1);
  assert.deepEqual(await nodes.others(), []);
  assert.equal(await nodes.upgradeOf(deviceOf('node-a')), undefined, 'no other node to ask');
  nodes.announce({ deviceIds: [] }, '2.0.0');
  nodes.stop();
});
