import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { AgentLink } from '../devices/device-presence.js';
import type { DeviceRecord } from '../store/store.js';
import { createUpgradePlanner } from './upgrade-planner.js';

function device(version: string, group = 'Web'): DeviceRecord {
  const id = randomUUID();
  return {
    id,
    name: `host-${id.slice(0, 4)}`,
    group,
    publicKey: 'key',
    installerId: null,
    inventory: {
      hostname: 'host',
      os: { platform: 'linux', release: '6', name: 'Debian', arch: 'x64' },
      agentVersion: version,
    },
    enrolledAt: new Date(),
    lastSeenAt: null,
    stats: null,
    statsAt: null,
    comments: '',
    tags: [],
    maxOfflineMinutes: null,
    connectionType: 'active',
    installMode: null,
    deletedAt: null,
    lostAt: null,
    uninstalledAt: null,
  };
}

function link(record: DeviceRecord, capabilities = ['upgrade']): AgentLink {
  return {
    deviceId: record.id,
    capabilities,
    userPresence: undefined,
    send: () => undefined,
    close: () => undefined,
  };
}

async function fleet(records: DeviceRecord[]) {
  const store = {
    devices: {
      find: (id: string) => Promise.resolve(records.find((record) => record.id === id)),
      list: () => Promise.resolve(records),
    },
  } as unknown as Parameters<ReturnType<typeof createUpgradePlanner>['remember']>[1];
  const planner = createUpgradePlanner();
  for (const record of records) await planner.remember(record.id, store);
  return { planner, store };
}

const now = new Date();

test('no more devices are offered than the free slots, and none twice', async () => {
  const records = Array.from({ length: 10 }, () => device('0.1.0'));
  const { planner } = await fleet(records);
  const online = records.map((record) => link(record));
  const options = { online, mode: 'always' as const, target: '0.2.0', now };
  assert.equal(planner.choose({ ...options, free: 3 }).length, 3);
  assert.equal(planner.running().length, 3);
  const next = planner.choose({ ...options, free: 10 - 3 });
  assert.equal(next.length, 7);
  assert.equal(new Set([...planner.running()].map((u) => u.deviceId)).size, 10);
  assert.equal(planner.choose({ ...options, free: 5 }).length, 0);
});

test('devices on the target, without the capability, or outside a once cycle are not offered', async () => {
  const current = device('0.2.0');
  const old = device('0.1.0');
  const tooOld = device('0.1.0');
  const { planner } = await fleet([current, old, tooOld]);
  const online = [link(current), link(old), link(tooOld, [])];
  const base = { online, target: '0.2.0', free: 10, now };
  assert.deepEqual(
    planner.choose({ ...base, mode: 'once', cycle: new Set([current.id]) }).map((c) => c.device.id),
    [],
  );
  assert.equal(planner.choose({ ...base, mode: 'disabled' }).length, 0);
  assert.deepEqual(
    planner.choose({ ...base, mode: 'always' }).map((c) => c.device.id),
    [old.id],
  );
});

test('manual upgrades of a group go first, and a failed version is not retried by the mode', async () => {
  const records = [device('0.1.0', 'Web'), device('0.1.0', 'Db'), device('0.1.0', 'Db')];
  const { planner, store } = await fleet(records);
  const queued = await planner.queue({
    request: { group: 'Db' },
    version: '0.2.0',
    store,
    now,
    isOnlineWithout: () => false,
  });
  assert.equal(queued.queued, 2);
  const online = records.map((record) => link(record));
  const first = planner.choose({ online, mode: 'always', target: '0.2.0', free: 2, now });
  assert.deepEqual(
    first.map((choice) => choice.device.group),
    ['Db', 'Db'],
  );
  const [failed] = first;
  if (!failed) throw new Error('no choice');
  failed.upgrade.state = 'failed';
  const again = planner.choose({ online, mode: 'always', target: '0.2.0', free: 5, now });
  assert.deepEqual(
    again.map((choice) => choice.device.group),
    ['Web'],
  );
});

test('with the mode off and no manual upgrade queued, the online fleet is not walked', async () => {
  const records = [device('0.1.0'), device('0.1.0')];
  const { planner, store } = await fleet(records);
  // Every connecting agent asks for a pass: walking 15,000 agents for each made a storm quadratic.
  const unwalkable: Iterable<AgentLink> = {
    [Symbol.iterator]: () => assert.fail('the online agents were walked'),
  };
  const base = { target: '0.2.0', free: 10, now };
  assert.deepEqual(planner.choose({ ...base, online: unwalkable, mode: 'disabled' }), []);

  await planner.queue({
    request: { deviceIds: [records[0]?.id ?? ''] },
    version: '0.2.0',
    store,
    now,
    isOnlineWithout: () => false,
  });
  const online = records.map((record) => link(record));
  assert.deepEqual(
    planner.choose({ ...base, online, mode: 'disabled' }).map((choice) => choice.device.id),
    [records[0]?.id],
    'a queued manual upgrade is still offered with the mode off',
  );
});

test('a manual upgrade another node carried out is not offered again here', async () => {
  const record = device('0.1.0');
  const { planner, store } = await fleet([record]);
  await planner.queue({
    request: { deviceIds: [record.id] },
    version: '0.2.0',
    store,
    now,
    isOnlineWithout: () => false,
  });
  // Upgraded by the node it was connected to, then it reconnects to this one.
  record.inventory.agentVersion = '0.2.0';
  await planner.remember(record.id, store);
  const base = { online: [link(record)], target: '0.2.0', free: 10, now };
  assert.deepEqual(planner.choose({ ...base, mode: 'disabled' }), []);
  assert.equal(planner.get(record.id), undefined, 'nothing left queued');
});
