import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';
import { wsCloseCode, type ServerMessage } from '@tether/protocol';
import { systemClock } from '../clock.js';
import type { DeviceEvent } from '../devices/device-events.js';
import { DevicePresence, type AgentLink } from '../devices/device-presence.js';
import { createLogger } from '../logging.js';
import type { Store } from '../store/store.js';
import { singleNode, type Cluster } from './cluster.js';
import { joinClusterPresence } from './cluster-presence.js';
import { MemoryClusterGroup } from './memory-cluster.js';
import { subjects } from './subjects.js';

const log = createLogger({ level: 'silent' });

/** A node's presence on `cluster`, with the device_nodes writes it made. */
async function nodeOn(cluster: Cluster) {
  const writes: string[] = [];
  const store = {
    deviceNodes: {
      holdMany: (holds: { deviceId: string; nodeId: string }[]) =>
        Promise.resolve(
          void writes.push(...holds.map(({ deviceId, nodeId }) => `hold ${deviceId} ${nodeId}`)),
        ),
      releaseMany: (deviceIds: string[], nodeId: string) =>
        Promise.resolve(void writes.push(...deviceIds.map((id) => `release ${id} ${nodeId}`))),
      releaseNode: (nodeId: string) => Promise.resolve(void writes.push(`release all ${nodeId}`)),
    },
  } as unknown as Store;
  const presence = new DevicePresence();
  const events: DeviceEvent[] = [];
  presence.events.onAny((event) => events.push(event));
  const leave = await joinClusterPresence({
    ...{ cluster, presence, store, clock: systemClock, log },
    checkEveryMs: 20,
  });
  return { presence, events, writes, leave };
}

/** An agent's control channel on one node, recording what it is sent. */
function fakeLink(deviceId: string) {
  const sent: ServerMessage[] = [];
  const closed: { code: number; reason: string }[] = [];
  const link: AgentLink = {
    deviceId,
    capabilities: ['desktop', 'wake'],
    userPresence: { loggedIn: true, screenLocked: false, user: 'ana' },
    hasDesktop: true,
    network: {
      interfaces: [
        {
          name: 'eth0',
          mac: '52:54:00:12:34:56',
          ipv4: [{ address: '10.0.0.7', netmask: '255.255.255.0' }],
        },
      ],
      defaultGateway: '10.0.0.1',
    },
    send: (message) => sent.push(message),
    close: (code, reason) => closed.push({ code, reason }),
  };
  return { link, sent, closed };
}

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (let tries = 0; tries < 200; tries += 1) {
    const value = probe();
    if (value !== undefined) return value;
    await delay(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('an agent on node A is online on node B, which reaches it over the bus', async () => {
  const group = new MemoryClusterGroup();
  const a = await nodeOn(group.join('a', () => 'https://a'));
  const b = await nodeOn(group.join('b', () => 'https://b'));
  const agent = fakeLink('d1');
  a.presence.connect(agent.link);
  const remote = await until('d1 on B', () => b.presence.get('d1'));
  assert.deepEqual(remote.capabilities, ['desktop', 'wake']);
  assert.equal(remote.hasDesktop, true);
  assert.deepEqual(remote.network, agent.link.network, 'B files it as a Wake-on-LAN relay unread');
  assert.equal(b.presence.size, 0, 'size counts this node’s own agents');
  assert.deepEqual(b.presence.onlineIds(), ['d1']);
  assert.equal(b.presence.onlineCount, 1);
  assert.deepEqual(b.events, [{ type: 'online', deviceId: 'd1' }]);
  assert.deepEqual(a.writes, ['hold d1 a']);

  remote.send({ type: 'unattended.sync', accessIds: [] });
  await until('the message at the agent', () => agent.sent.at(0));
  remote.close(wsCloseCode.FORBIDDEN, 'Deleted.');
  await until('the close at the agent', () => agent.closed.at(0));

  a.presence.disconnect(agent.link);
  await until('d1 offline on B', () => (b.presence.isOnline('d1') ? undefined : true));
  assert.deepEqual(b.events.at(-1), { type: 'offline', deviceId: 'd1' });
  assert.deepEqual(a.writes, ['hold d1 a', 'release d1 a']);
  await Promise.all([a.leave(), b.leave()]);
  assert.deepEqual(a.writes.at(-1), 'release all a');
});

test('an agent that reconnects to another node moves there: the old node closes its link, nobody sees it offline', async () => {
  const group = new MemoryClusterGroup();
  const a = await nodeOn(group.join('a', () => 'https://a'));
  const b = await nodeOn(group.join('b', () => 'https://b'));
  const before = fakeLink('d1');
  a.presence.connect(before.link);
  await until('d1 on B', () => b.presence.get('d1'));
  const after = fakeLink('d1');
  b.presence.connect(after.link);
  const closed = await until('the old link closed', () => before.closed.at(0));
  assert.equal(closed.code, wsCloseCode.CONFLICT);
  // The old channel's own disconnect then changes nothing.
  assert.equal(a.presence.disconnect(before.link), false);
  a.presence.get('d1')?.send({ type: 'unattended.sync', accessIds: [] });
  await until('A reaching the agent on B', () => after.sent.at(0));
  assert.equal(before.sent.length, 0);
  assert.ok(!a.events.some((event) => event.type === 'offline'));
  assert.ok(!b.events.some((event) => event.type === 'offline'));
  await Promise.all([a.leave(), b.leave()]);
});

test('two nodes taking one agent at the same moment agree on one of them', async () => {
  const group = new MemoryClusterGroup();
  const a = await nodeOn(group.join('a', () => 'https://a'));
  const b = await nodeOn(group.join('b', () => 'https://b'));
  const onA = fakeLink('d1');
  const onB = fakeLink('d1');
  // Both connect before either hears of the other (B's is not older than A's).
  a.presence.connect(onA.link);
  b.presence.connect(onB.link);
  await until('A giving way', () => onA.closed.at(0));
  await delay(20);
  assert.deepEqual(onB.closed, [], 'the newer connection stays');
  assert.equal(b.presence.local('d1'), onB.link);
  assert.equal(a.presence.local('d1'), undefined);
  a.presence.get('d1')?.send({ type: 'unattended.sync', accessIds: [] });
  await until('A reaching the agent on B', () => onB.sent.at(0));
  await Promise.all([a.leave(), b.leave()]);
});

test('words of one agent from two nodes, arriving out of order, leave it on the node with the newer connection', async () => {
  const group = new MemoryClusterGroup();
  const a = group.join('a', () => 'https://a');
  const b = group.join('b', () => 'https://b');
  const c = await nodeOn(group.join('c', () => 'https://c'));
  const word = (origin: string, type: 'online' | 'offline', connectedAt?: number) => ({
    origin,
    event: { type, deviceId: 'd1' },
    ...(connectedAt === undefined
      ? {}
      : { agent: { deviceId: 'd1', capabilities: [], connectedAt } }),
  });
  // The agent left A for B; B's word reaches C first, then A's older "online" and its "offline".
  b.bus.publish(subjects.events, word('b', 'online', 2000));
  a.bus.publish(subjects.events, word('a', 'online', 1000));
  a.bus.publish(subjects.events, word('a', 'offline'));
  await until('the three words heard', () => (c.events.length > 0 ? true : undefined));
  await delay(50);
  assert.equal(c.presence.isOnline('d1'), true, 'still online, on B');
  assert.deepEqual(c.events, [{ type: 'online', deviceId: 'd1' }]);
  c.presence.get('d1')?.close(wsCloseCode.CONFLICT, 'test');
  await c.leave();
});

test('a node that joins later learns the agents the others hold; a dead node’s agents drop out', async () => {
  const group = new MemoryClusterGroup();
  const clusterOfA = group.join('a', () => 'https://a');
  const a = await nodeOn(clusterOfA);
  a.presence.connect(fakeLink('d1').link);
  a.presence.connect(fakeLink('d2').link);
  const b = await nodeOn(group.join('b', () => 'https://b'));
  assert.deepEqual(b.presence.onlineIds().sort(), ['d1', 'd2']);
  // A dies: its lease runs out (here: it leaves the node list) without a word about its agents.
  await clusterOfA.close();
  await until('A’s agents gone from B', () => (b.presence.onlineIds().length ? undefined : true));
  assert.deepEqual(
    b.events
      .filter((event) => event.type === 'offline')
      .map((event) => event.deviceId)
      .sort(),
    ['d1', 'd2'],
  );
  await b.leave();
});

test('an agent that comes and goes within one turn is written released; leaving waits for the writes', async () => {
  const a = await nodeOn(new MemoryClusterGroup().join('a', () => 'https://a'));
  const quick = fakeLink('d1');
  const stays = fakeLink('d2');
  a.presence.connect(quick.link);
  a.presence.connect(stays.link);
  a.presence.disconnect(quick.link);
  await a.leave();
  assert.deepEqual(a.writes, ['hold d2 a', 'release d1 a', 'release all a']);
});

test('a single node subscribes to nothing and writes nothing', async () => {
  const node = await nodeOn(
    singleNode({ url: () => 'https://a', version: '1', now: () => new Date() }),
  );
  const agent = fakeLink('d1');
  node.presence.connect(agent.link);
  node.presence.disconnect(agent.link);
  await delay(30);
  assert.deepEqual(node.writes, []);
  assert.deepEqual(node.events, [
    { type: 'online', deviceId: 'd1' },
    { type: 'offline', deviceId: 'd1' },
  ]);
  await node.leave();
});

test('after a bus outage the nodes learn again what they missed: an agent that came, one that left', async () => {
  const group = new MemoryClusterGroup();
  const a = await nodeOn(group.join('a', () => 'https://a'));
  const b = await nodeOn(group.join('b', () => 'https://b'));
  const staying = fakeLink('staying');
  const leaving = fakeLink('leaving');
  a.presence.connect(staying.link);
  a.presence.connect(leaving.link);
  await until(
    'B seeing both',
    () => (b.presence.isOnline('leaving') && b.presence.isOnline('staying')) || undefined,
  );

  group.outage();
  const arriving = fakeLink('arriving');
  a.presence.connect(arriving.link);
  a.presence.disconnect(leaving.link);
  await delay(20);
  assert.equal(b.presence.isOnline('arriving'), false, 'nothing crossed during the outage');
  assert.equal(b.presence.isOnline('leaving'), true);
  b.events.length = 0;

  group.restore();
  await until(
    'B catching up',
    () => (b.presence.isOnline('arriving') && !b.presence.isOnline('leaving')) || undefined,
  );
  await delay(20);
  assert.deepEqual(
    b.events.map((event) => `${event.type} ${event.deviceId}`).sort(),
    ['offline leaving', 'online arriving'],
    'each change once; the agent known all along is not announced again',
  );
  b.presence.get('arriving')?.send({ type: 'unattended.sync', accessIds: [] });
  await until('B reaching the agent that came during the outage', () => arriving.sent.at(0));
  await Promise.all([a.leave(), b.leave()]);
});
