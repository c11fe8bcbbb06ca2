import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuditPage,
  CreateSessionResponse,
  DEFAULT_STATISTICS_SETTINGS,
  DeviceList,
  DeviceReply,
  ErrorBody,
  GrantList,
  RecordingList,
  RoleResponse,
  SessionList,
  SessionReply,
  TeamResponse,
  UserResponse,
  type SetGrantRequest,
} from '@tether/protocol';
import type { HttpsClient } from '../support/https-client.js';
import { joinTerminal, openTerminal } from '../support/terminal-client.js';
import { waitFor } from '../support/cli.js';
import { openDeviceEvents } from '../support/device-events.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// A technician of team A (rights on group A only) against devices of groups A and B: the
// permission matrix's "team A, group B" case, with real agents and the real relay.
let server: TestServer;
let deviceA: string;
let deviceB: string;
let tina: HttpsClient;
let tinaId: string;
let teamA: string;

async function grant(rights: SetGrantRequest['rights']): Promise<void> {
  const response = await server.admin.request('PUT', '/api/v1/grants', {
    subject: { kind: 'team', id: teamA },
    group: 'Group A',
    rights,
  });
  assert.equal(response.status, 204, response.text);
}

async function deviceNames(client: HttpsClient): Promise<string[]> {
  const list = (await client.request('GET', '/api/v1/devices')).json(DeviceList);
  return list.devices.map((device) => device.group).sort();
}

before(async () => {
  server = await createTestServer();
  // The event-stream tests wait for statistics reports: the shortest interval allowed, rather
  // than the default 15 s, keeps their waits short.
  const statistics = await server.admin.request('PUT', '/api/v1/settings/statistics', {
    ...DEFAULT_STATISTICS_SETTINGS,
    intervalSec: 5,
  });
  assert.equal(statistics.status, 200, statistics.text);
  [deviceA, deviceB] = await Promise.all([
    server.startAgent({ group: 'Group A' }).then((agent) => agent.device.id),
    server.startAgent({ group: 'Group B' }).then((agent) => agent.device.id),
  ]);
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'tina',
    role: 'technician',
    password: 'tina-first-password',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  tina = server.client();
  const login = await tina.request('POST', '/api/v1/auth/login', {
    username: 'tina',
    password: 'tina-first-password',
  });
  assert.equal(login.status, 200, login.text);
  const team = await server.admin.request('POST', '/api/v1/teams', { name: 'Team A' });
  assert.equal(team.status, 201, team.text);
  teamA = team.json(TeamResponse).team.id;
  const { user } = created.json(UserResponse);
  tinaId = user.id;
  const member = await server.admin.request('PUT', `/api/v1/teams/${teamA}/members/${user.id}`);
  assert.equal(member.status, 200, member.text);
});
after(() => server.close());

test('before any grant exists a technician works on every group, as before teams', async () => {
  assert.deepEqual(await deviceNames(tina), ['Group A', 'Group B']);
  const grants = (await server.admin.request('GET', '/api/v1/grants')).json(GrantList);
  assert.equal(grants.enforced, false);
});

test('a technician of team A sees and opens group A only; group B is refused and audited', async () => {
  await grant(['device.view', 'terminal', 'desktop.view', 'recordings', 'policies.manage']);
  assert.deepEqual(await deviceNames(tina), ['Group A'], 'group B is not listed');
  const a = (await tina.request('GET', `/api/v1/devices/${deviceA}`)).json(DeviceReply);
  assert.deepEqual(
    a.device.rights,
    ['device.view', 'terminal', 'desktop.view', 'recordings'],
    'the role is the ceiling: a technician cannot manage policies whatever the grant says',
  );

  const terminal = await openTerminal(tina, deviceA);
  terminal.type('echo "tina-$((6 * 7))"\r');
  await terminal.waitForOutput(/tina-42/);
  await terminal.close();

  const refused = await tina.request('POST', '/api/v1/sessions', {
    deviceId: deviceB,
    kind: 'terminal',
  });
  assert.equal(refused.status, 403, refused.text);
  const error = refused.json(ErrorBody);
  assert.equal(error.code, 'FORBIDDEN');
  assert.match(error.message, /"terminal" right on the device group "Group B"/);
  const seen = await tina.request('GET', `/api/v1/devices/${deviceB}`);
  assert.equal(seen.status, 403, 'nor can the device page of group B be read');

  const audit = (await server.admin.request('GET', '/api/v1/audit?action=access.denied')).json(
    AuditPage,
  );
  const denied = audit.entries.find(
    (entry) => entry.target === deviceB && entry.details.right === 'terminal',
  );
  assert.ok(denied, 'the refusal is audited');
  assert.equal(denied.actor, 'tina');
  assert.equal(denied.details.group, 'Group B');

  const unattended = await tina.request('POST', '/api/v1/unattended', {
    deviceId: deviceA,
    mode: 'unattended',
  });
  assert.equal(unattended.status, 403, unattended.text);
  assert.match(
    unattended.json(ErrorBody).message,
    /"unattended" right on the device group "Group A"/,
  );
});

test('live device events reach the technician for the devices they may view only', async () => {
  const theirs = await openDeviceEvents(server, tina.cookie);
  const all = await openDeviceEvents(server);
  try {
    // Both agents report statistics every 5 s: the administrator's stream gets both devices.
    const ofDevice = (id: string) => (device: { id: string }) => device.id === id;
    await waitFor('two statistics reports of group B on the administrator stream', () =>
      all.devices().filter(ofDevice(deviceB)).length >= 2 ? true : undefined,
    );
    await waitFor('a report of group A on the technician stream', () =>
      theirs.devices().find(ofDevice(deviceA)),
    );
    assert.equal(theirs.devices().filter(ofDevice(deviceB)).length, 0, 'nothing of group B');
  } finally {
    theirs.close();
    all.close();
  }
});

test('a role changed while the event stream is open applies from its next event', async () => {
  const theirs = await openDeviceEvents(server, tina.cookie);
  const setRole = (role: string) =>
    server.admin.request('PATCH', `/api/v1/users/${tinaId}`, { role });
  try {
    await waitFor('a report of group A on the technician stream', () =>
      theirs.devices().find((device) => device.id === deviceA),
    );
    assert.equal((await setRole('administrator')).status, 200);
    await waitFor('a report of group B once the technician is an administrator', () =>
      theirs.devices().find((device) => device.id === deviceB),
    );
  } finally {
    theirs.close();
    assert.equal((await setRole('technician')).status, 200);
  }
});

test('a desktop view-only grant watches but cannot take control', async () => {
  await grant(['device.view', 'desktop.view']);
  const control = await tina.request('POST', '/api/v1/sessions', {
    deviceId: deviceA,
    kind: 'desktop',
  });
  assert.equal(control.status, 403, control.text);
  assert.match(control.json(ErrorBody).message, /"desktop\.control" right/);
  const watch = await tina.request('POST', '/api/v1/sessions', {
    deviceId: deviceA,
    kind: 'desktop',
    viewOnly: true,
  });
  assert.equal(watch.status, 201, watch.text);
  const { session } = watch.json(CreateSessionResponse);
  await tina.request('DELETE', `/api/v1/sessions/${session.id}`);
});

test('recordings of group B are not listed for team A, nor downloadable', async () => {
  await grant(['device.view', 'recordings']);
  const adminTerminal = await openTerminal(server.admin, deviceB);
  adminTerminal.type('echo "admin-on-b"\r');
  await adminTerminal.waitForOutput(/admin-on-b/);
  await adminTerminal.close();
  const ofB = await waitFor(
    'the recording of group B to be listed for the administrator',
    async () => {
      const list = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
      return list.recordings.find((recording) => recording.deviceId === deviceB);
    },
  );
  const mine = (await tina.request('GET', '/api/v1/recordings')).json(RecordingList);
  assert.ok(mine.recordings.length > 0, 'their own recording of group A is listed');
  assert.ok(mine.recordings.every((recording) => recording.deviceId === deviceA));
  const download = await tina.request('GET', `/api/v1/recordings/${ofB.id}/content`);
  assert.equal(download.status, 403, download.text);
  const sessions = (await tina.request('GET', '/api/v1/sessions')).json(SessionList);
  assert.ok(sessions.sessions.length > 0);
  assert.ok(
    sessions.sessions.every((session) => session.deviceId === deviceA),
    'the sessions of group B are not listed either',
  );
});

test('revoking a grant takes effect on the next request and at the relay join', async () => {
  await grant(['device.view', 'terminal']);
  const requested = await tina.request('POST', '/api/v1/sessions', {
    deviceId: deviceA,
    kind: 'terminal',
  });
  assert.equal(requested.status, 201, requested.text);
  await grant([]);
  // The session was requested with the right; joining its relay after the revocation is refused.
  const late = await joinTerminal(tina, requested.json(CreateSessionResponse).relay);
  const closed = await late.closed;
  assert.equal(closed.code, 4403, closed.reason);
  const { session } = requested.json(CreateSessionResponse);
  await waitFor('the refused session to end', async () => {
    const current = await server.admin.request('GET', `/api/v1/sessions/${session.id}`);
    return current.json(SessionReply).session.state === 'ended' || undefined;
  });
  assert.deepEqual(await deviceNames(tina), [], 'no device is listed any more');
  const again = await tina.request('POST', '/api/v1/sessions', {
    deviceId: deviceA,
    kind: 'terminal',
  });
  assert.equal(again.status, 403, again.text);
  const grants = (await server.admin.request('GET', '/api/v1/grants')).json(GrantList);
  assert.equal(grants.enforced, true, 'revoking the last grant does not open every group again');
});

test('moving a device needs "manage devices" on the group it leaves and the group it joins', async () => {
  const role = await server.admin.request('POST', '/api/v1/roles', {
    name: 'Fleet keeper',
    description: 'Sorts devices into groups',
    permissions: ['devices.view', 'installers.manage', 'groups.manage'],
  });
  assert.equal(role.status, 201, role.text);
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'fred',
    role: role.json(RoleResponse).role.id,
    password: 'fred-first-password',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const fred = server.client();
  const login = await fred.request('POST', '/api/v1/auth/login', {
    username: 'fred',
    password: 'fred-first-password',
  });
  assert.equal(login.status, 200, login.text);
  const { user } = created.json(UserResponse);
  const setRights = async (group: string, rights: SetGrantRequest['rights']) => {
    const response = await server.admin.request('PUT', '/api/v1/grants', {
      subject: { kind: 'user', id: user.id },
      group,
      rights,
    });
    assert.equal(response.status, 204, response.text);
  };
  const move = (group: string) =>
    fred.request('PUT', `/api/v1/devices/${deviceA}/group`, { group });

  await setRights('Group A', ['device.view', 'devices.manage']);
  const refused = await move('Group B');
  assert.equal(refused.status, 403, refused.text);
  assert.match(
    refused.json(ErrorBody).message,
    /"devices\.manage" right on the device group "Group B"/,
  );
  const stayed = (await server.admin.request('GET', `/api/v1/devices/${deviceA}`)).json(
    DeviceReply,
  );
  assert.equal(stayed.device.group, 'Group A', 'nothing moved');

  await setRights('Group B', ['devices.manage']);
  const moved = await move('Group B');
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json(DeviceReply).device.group, 'Group B');
  const back = await server.admin.request('PUT', `/api/v1/devices/${deviceA}/group`, {
    group: 'Group A',
  });
  assert.equal(back.status, 200, back.text);
});
