import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuditPage,
  DeviceGroupResponse,
  DeviceList,
  GroupStatisticsList,
  type Device,
} from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// Statistics settings per device group, with real agents: a group's own settings reach its
// online agents at once and override the fleet's; the other groups keep the fleet's; removing
// them, or moving a device, changes what its agent reports.

let server: TestServer;
let kiosk: Device;
let other: Device;
let kioskGroupId: string;

async function device(id: string): Promise<Device> {
  const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  const found = list.devices.find((candidate) => candidate.id === id);
  assert.ok(found, `device ${id} is listed`);
  return found;
}

/** Waits until the agent's latest report holds exactly the kinds asked for (among these two). */
function reports(id: string, kind: 'memory' | 'uptime'): Promise<Device> {
  return waitFor(
    `device ${id} to report ${kind} only`,
    async () => {
      const { stats, ...rest } = await device(id);
      const hasMemory = stats?.memory !== undefined;
      const hasUptime = stats?.uptimeSec !== undefined;
      const isRight = kind === 'memory' ? hasMemory && !hasUptime : hasUptime && !hasMemory;
      return isRight ? { stats, ...rest } : undefined;
    },
    45_000,
  );
}

/** The next report after `since` (a device's `statsAt`). */
function nextReport(id: string, since: string | null): Promise<Device> {
  return waitFor(
    `a new report from ${id}`,
    async () => {
      const found = await device(id);
      return found.statsAt !== null && found.statsAt !== since ? found : undefined;
    },
    45_000,
  );
}

before(async () => {
  server = await createTestServer();
  const created = await server.admin.request('POST', '/api/v1/device-groups', { name: 'Kiosks' });
  assert.equal(created.status, 201, created.text);
  kioskGroupId = created.json(DeviceGroupResponse).group.id;
  const fleet = await server.admin.request('PUT', '/api/v1/settings/statistics', {
    intervalSec: 5,
    enabled: ['uptime'],
  });
  assert.equal(fleet.status, 200, fleet.text);
  kiosk = (await server.startAgent({ group: 'Kiosks' })).device;
  other = (await server.startAgent()).device;
  await reports(kiosk.id, 'uptime');
  await reports(other.id, 'uptime');
});

after(async () => {
  await server.close();
});

test("a group's own statistics settings reach its online agents at once; other groups keep the fleet's", async () => {
  const saved = await server.admin.request(
    'PUT',
    `/api/v1/device-groups/${kioskGroupId}/statistics`,
    {
      intervalSec: 5,
      enabled: ['memory'],
    },
  );
  assert.equal(saved.status, 200, saved.text);
  await reports(kiosk.id, 'memory');
  const before = await device(other.id);
  const after = await nextReport(other.id, before.statsAt);
  assert.ok(after.stats?.uptimeSec !== undefined && after.stats.memory === undefined);

  const list = (await server.admin.request('GET', '/api/v1/settings/statistics/groups')).json(
    GroupStatisticsList,
  );
  assert.deepEqual(list.groups, [
    {
      groupId: kioskGroupId,
      groupName: 'Kiosks',
      settings: { intervalSec: 5, enabled: ['memory'] },
    },
  ]);
  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=50')).json(AuditPage);
  const change = audit.entries.find((entry) => entry.target === 'statistics.group');
  assert.ok(change, 'the change is audited');
  assert.equal(change.actor, 'admin');
  assert.deepEqual(change.details, {
    group: 'Kiosks',
    groupId: kioskGroupId,
    intervalSec: 5,
    enabled: ['memory'],
    previous: null,
  });
});

test("a device moved into the group gets the group's settings; removing them returns the group to the fleet's", async () => {
  const moved = await server.admin.request('PUT', `/api/v1/devices/${other.id}/group`, {
    group: 'Kiosks',
  });
  assert.equal(moved.status, 200, moved.text);
  await reports(other.id, 'memory');

  const removed = await server.admin.request(
    'DELETE',
    `/api/v1/device-groups/${kioskGroupId}/statistics`,
  );
  assert.equal(removed.status, 204, removed.text);
  await reports(kiosk.id, 'uptime');
  await reports(other.id, 'uptime');
});

test('bad settings and unknown groups are refused and change nothing', async () => {
  const bad = await server.admin.request(
    'PUT',
    `/api/v1/device-groups/${kioskGroupId}/statistics`,
    {
      intervalSec: 1,
      enabled: ['memory'],
    },
  );
  assert.equal(bad.status, 422, bad.text);
  const unknown = await server.admin.request(
    'PUT',
    '/api/v1/device-groups/00000000-0000-4000-8000-000000000000/statistics',
    { intervalSec: 60, enabled: [] },
  );
  assert.equal(unknown.status, 404, unknown.text);
  const list = (await server.admin.request('GET', '/api/v1/settings/statistics/groups')).json(
    GroupStatisticsList,
  );
  assert.deepEqual(list.groups, []);
});
