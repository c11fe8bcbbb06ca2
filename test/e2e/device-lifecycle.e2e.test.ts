import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  AuditPage,
  BulkDeviceReply,
  DeviceList,
  DeviceReply,
  ErrorBody,
  RoleResponse,
  SessionReply,
  UserResponse,
} from '@tether/protocol';
import { openDeviceEvents } from '../support/device-events.js';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { startCli, stopProcess, waitFor } from '../support/cli.js';
import { openTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// Two real agents in two groups for the changes; the deletion tests start their own agents.
let server: TestServer;
let deviceA: string;
let deviceB: string;

before(async () => {
  server = await createTestServer();
  [deviceA, deviceB] = await Promise.all([
    server.startAgent({ group: 'Lifecycle A' }).then((agent) => agent.device.id),
    server.startAgent({ group: 'Lifecycle B' }).then((agent) => agent.device.id),
  ]);
});
after(() => server.close());

async function device(id: string) {
  return (await server.admin.request('GET', `/api/v1/devices/${id}`)).json(DeviceReply).device;
}

async function auditActions(): Promise<AuditPage['entries']> {
  return (await server.admin.request('GET', '/api/v1/audit?limit=200')).json(AuditPage).entries;
}

/** Whether a process still runs (signal 0 only asks). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a device is renamed, described, tagged and moved; the hostname stays, each change is audited and open consoles see it at once', async () => {
  const events = await openDeviceEvents(server);
  try {
    const hostname = (await device(deviceA)).hostname;
    const changed = await server.admin.request('PATCH', `/api/v1/devices/${deviceA}`, {
      name: '  Reception PC ',
      comments: 'By the front door',
      tags: [' front ', 'front', 'kiosk'],
      group: 'Lifecycle B',
    });
    assert.equal(changed.status, 200, changed.text);
    const after = changed.json(DeviceReply).device;
    assert.equal(after.name, 'Reception PC');
    assert.equal(after.hostname, hostname, 'the hostname is what the device reports');
    assert.equal(after.comments, 'By the front door');
    assert.deepEqual(after.tags, ['front', 'kiosk']);
    assert.equal(after.group, 'Lifecycle B');
    await waitFor('the renamed device on the event stream', () =>
      events.devices().find((seen) => seen.id === deviceA && seen.name === 'Reception PC'),
    );

    const empty = await server.admin.request('PATCH', `/api/v1/devices/${deviceA}`, {
      name: ' ',
      tags: ['lost'],
    });
    assert.equal(empty.status, 422, empty.text);
    assert.equal(empty.json(ErrorBody).code, 'INVALID_INPUT');
    const noGroup = await server.admin.request('PATCH', `/api/v1/devices/${deviceA}`, {
      group: 'No such group',
      name: 'Renamed anyway?',
    });
    assert.equal(noGroup.status, 422, noGroup.text);
    const kept = await device(deviceA);
    assert.equal(kept.name, 'Reception PC', 'a refused change changes nothing');
    assert.deepEqual(kept.tags, ['front', 'kiosk']);

    const entries = await auditActions();
    const updated = entries.find(
      (entry) => entry.action === 'device.updated' && entry.target === deviceA,
    );
    assert.equal(updated?.details.previousName, hostname);
    assert.ok(entries.some((entry) => entry.action === 'device.moved' && entry.target === deviceA));
  } finally {
    events.close();
  }
});

test('a bulk action answers one result per device: an unknown device is NOT_FOUND and the others are changed', async () => {
  await ensureDeviceGroup(server.admin, 'Lifecycle C');
  const unknown = '00000000-0000-4000-8000-000000000000';
  const bulk = (body: object) => server.admin.request('POST', '/api/v1/devices/bulk', body);

  const tagged = await bulk({
    action: 'tag',
    deviceIds: [deviceA, unknown, deviceB],
    tags: ['eu'],
  });
  assert.equal(tagged.status, 200, tagged.text);
  const { results } = tagged.json(BulkDeviceReply);
  assert.deepEqual(
    results.map((result) => [result.deviceId, result.ok, result.error?.code]),
    [
      [deviceA, true, undefined],
      [unknown, false, 'NOT_FOUND'],
      [deviceB, true, undefined],
    ],
  );
  assert.ok((await device(deviceB)).tags?.includes('eu'));

  const moved = await bulk({ action: 'move', deviceIds: [deviceA, deviceB], group: 'Lifecycle C' });
  assert.equal(moved.status, 200, moved.text);
  assert.ok(moved.json(BulkDeviceReply).results.every((result) => result.ok));
  const untagged = await bulk({ action: 'untag', deviceIds: [deviceA, deviceB], tags: ['eu'] });
  assert.ok(untagged.json(BulkDeviceReply).results.every((result) => result.ok));
  for (const id of [deviceA, deviceB]) {
    const now = await device(id);
    assert.equal(now.group, 'Lifecycle C');
    assert.equal(now.tags?.includes('eu'), false);
  }
  const noTags = await bulk({ action: 'tag', deviceIds: [deviceA] });
  assert.equal(noTags.status, 422, 'tag without tags is refused as a whole');
});

test('a user changes only the devices of groups where they have "manage devices"; bulk refusals are per device', async () => {
  const role = await server.admin.request('POST', '/api/v1/roles', {
    name: 'Fleet tidier',
    permissions: ['devices.view', 'installers.manage'],
  });
  assert.equal(role.status, 201, role.text);
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'tilda',
    role: role.json(RoleResponse).role.id,
    password: 'tilda-first-password',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const grant = await server.admin.request('PUT', '/api/v1/grants', {
    subject: { kind: 'user', id: created.json(UserResponse).user.id },
    group: 'Lifecycle C',
    rights: ['device.view', 'devices.manage'],
  });
  assert.equal(grant.status, 204, grant.text);
  await server.admin.request('PATCH', `/api/v1/devices/${deviceB}`, { group: 'Lifecycle B' });
  const tilda = server.client();
  await tilda.request('POST', '/api/v1/auth/login', {
    username: 'tilda',
    password: 'tilda-first-password',
  });

  const refused = await tilda.request('PATCH', `/api/v1/devices/${deviceB}`, { name: 'Mine now' });
  assert.equal(refused.status, 403, refused.text);
  const bulk = await tilda.request('POST', '/api/v1/devices/bulk', {
    action: 'tag',
    deviceIds: [deviceA, deviceB],
    tags: ['tidied'],
  });
  assert.deepEqual(
    bulk.json(BulkDeviceReply).results.map((result) => result.error?.code ?? 'ok'),
    ['ok', 'FORBIDDEN'],
  );
  assert.equal((await device(deviceB)).tags?.includes('tidied'), false);
  const moveOut = await tilda.request('PATCH', `/api/v1/devices/${deviceA}`, {
    group: 'Lifecycle B',
  });
  assert.equal(moveOut.status, 403, 'moving needs the right on the group it joins too');
});

test('deleting an online device ends its sessions and tells its agent to uninstall: the agent forgets its identity and exits; the device is gone from the API and open consoles', async () => {
  const agent = await server.startAgent({ group: 'Lifecycle A' });
  const events = await openDeviceEvents(server);
  const terminal = await openTerminal(server.admin, agent.device.id);
  try {
    terminal.type('echo ready-$((6*7))\r');
    await terminal.waitForOutput(/ready-42/);
    const deleted = await server.admin.request('DELETE', `/api/v1/devices/${agent.device.id}`);
    assert.equal(deleted.status, 204, deleted.text);
    const ended = await terminal.closed;
    assert.match(ended.reason, /was deleted by admin/);
    const session = (
      await server.admin.request('GET', `/api/v1/sessions/${terminal.session.session.id}`)
    ).json(SessionReply).session;
    assert.equal(session.state, 'ended');
    await waitFor('the agent to exit', () => (isRunning(agent.pid) ? undefined : true), 120_000);
    assert.match(agent.output(), /deleted from the server by admin/);
    assert.equal(existsSync(join(agent.dataDir, 'identity.pem')), false, 'identity removed');
    assert.equal(existsSync(join(agent.dataDir, 'agent.json')), false);
    await waitFor('the deletion on the event stream', () =>
      events.received().includes(`event: deleted\ndata: {"id":"${agent.device.id}"}`)
        ? true
        : undefined,
    );

    const read = await server.admin.request('GET', `/api/v1/devices/${agent.device.id}`);
    assert.equal(read.status, 404, read.text);
    const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
    assert.equal(
      list.devices.some((listed) => listed.id === agent.device.id),
      false,
    );
    const again = await server.admin.request('DELETE', `/api/v1/devices/${agent.device.id}`);
    assert.equal(again.status, 404, again.text);
    const entry = (await auditActions()).find(
      (candidate) => candidate.action === 'device.deleted' && candidate.target === agent.device.id,
    );
    assert.deepEqual(
      { by: entry?.details.by, wasOnline: entry?.details.wasOnline, actor: entry?.actor },
      { by: 'administrator', wasOnline: true, actor: 'admin' },
    );
  } finally {
    await terminal.close();
    events.close();
  }
});

test("a deleted device's agent coming back is refused once it proved its key, told to uninstall, and removes itself", async () => {
  const agent = await server.startAgent({ group: 'Lifecycle A' });
  const { id } = agent.device;
  // Stopped without losing its data folder (startAgent's stop would remove it).
  process.kill(agent.pid, 'SIGTERM');
  await waitFor('the agent to stop', () => (isRunning(agent.pid) ? undefined : true));
  await waitFor('the device offline', async () => ((await device(id)).online ? undefined : true));
  const deleted = await server.admin.request('DELETE', `/api/v1/devices/${id}`);
  assert.equal(deleted.status, 204, deleted.text);

  const back = startCli(['agent', 'run', '--data-dir', agent.dataDir, '--log-level', 'info']);
  try {
    await waitFor('the returning agent to exit', () => back.exitCode ?? undefined, 120_000);
    assert.equal(back.exitCode, 0, back.output());
    assert.match(back.output(), /deleted from the server/);
    assert.doesNotMatch(back.output(), /connected to the server/, 'never welcomed');
    assert.equal(existsSync(join(agent.dataDir, 'identity.pem')), false);
    const refusal = (await auditActions()).find(
      (entry) => entry.action === 'device.auth_failed' && entry.target === id,
    );
    assert.equal(refusal?.details.reason, 'deleted device');
  } finally {
    await stopProcess(back);
  }
});
