import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DeviceList,
  DeviceReply,
  ErrorBody,
  PolicyReply,
  RecordingList,
  RecordingReply,
  SessionList,
} from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { openTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let deviceId: string;

before(async () => {
  server = await createTestServer();
  const agent = await server.startAgent();
  deviceId = agent.device.id;
});
after(async () => server.close());

test('an enrolled agent is listed online with its inventory and statistics', async () => {
  const devices = await waitFor(
    'statistics from the agent',
    async () => {
      const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
      const device = list.devices.find((candidate) => candidate.id === deviceId);
      return device?.stats ? device : undefined;
    },
    30_000,
  );
  assert.equal(devices.online, true);
  assert.equal(devices.os.platform, 'linux');
  assert.ok(devices.hostname.length > 0);
  assert.ok(devices.agentVersion.length > 0);
  assert.ok((devices.stats?.uptimeSec ?? 0) > 0, 'uptime is reported');
  assert.ok((devices.stats?.memory?.totalBytes ?? 0) > 0, 'memory is reported');
});

test('a terminal runs a command, closes cleanly, and its recording replays the same output', async () => {
  const terminal = await openTerminal(server.admin, deviceId);
  terminal.type('echo "tether-$((6 * 7))-ok"\r');
  await terminal.waitForOutput(/tether-42-ok/);
  const closed = await terminal.close();
  assert.equal(closed.code, 1000);

  const session = await waitFor('the session to end', async () => {
    const list = (await server.admin.request('GET', `/api/v1/sessions?deviceId=${deviceId}`)).json(
      SessionList,
    );
    const found = list.sessions.find((candidate) => candidate.id === terminal.session.session.id);
    return found?.state === 'ended' ? found : undefined;
  });
  assert.ok(session.startedAt, 'the session was active');

  const recording = await waitFor('the recording to complete', async () => {
    const list = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
    const found = list.recordings.find((candidate) => candidate.sessionId === session.id);
    return found?.state === 'complete' ? found : undefined;
  });
  assert.equal(recording.deviceId, deviceId);
  assert.equal(recording.username, 'admin');
  const content = await server.admin.request('GET', `/api/v1/recordings/${recording.id}/content`);
  assert.equal(content.status, 200);
  // A download a browser saves as a file, never renders, with the checked chain's verdict.
  assert.equal(content.headers['content-type'], 'application/x-asciicast; charset=utf-8');
  assert.equal(
    content.headers['content-disposition'],
    `attachment; filename="${recording.id}.cast"`,
  );
  assert.equal(content.headers['x-recording-intact'], 'true');
  assert.equal(content.headers['x-content-type-options'], 'nosniff');
  const header = content.text.slice(0, content.text.indexOf('\n'));
  assert.equal((JSON.parse(header) as { version?: number }).version, 2);
  const replayed = replayedOutput(content.text);
  assert.match(replayed, /tether-42-ok/);
  assert.ok(
    replayed.includes(terminal.output().slice(0, 20)),
    'the replay starts with what the technician saw',
  );

  const one = await server.admin.request('GET', `/api/v1/recordings/${recording.id}`);
  assert.equal(one.json(RecordingReply).recording.sessionId, session.id);
  const unknown = await server.admin.request('GET', `/api/v1/recordings/${session.id}/content`);
  assert.equal(unknown.status, 404, unknown.text);
  assert.equal(unknown.json(ErrorBody).code, 'NOT_FOUND');
  const malformed = await server.admin.request('GET', '/api/v1/recordings/latest/content');
  assert.equal(malformed.status, 422, malformed.text);
  assert.equal(malformed.json(ErrorBody).code, 'INVALID_INPUT');
});

test('a flood of output is recorded in full: the recording slows the session, never ends it', async () => {
  const terminal = await openTerminal(server.admin, deviceId);
  // ~24 MB of output, far more than the recorder may hold in memory (it holds the device instead).
  terminal.type('yes tether-flood-line | head -n 1500000; echo "flood-$((40 + 2))-done"\r');
  await terminal.waitForOutput(/flood-42-done/, 60_000);
  const lines = (text: string): number => text.split('tether-flood-line\r\n').length - 1;
  assert.equal(lines(terminal.output()), 1_500_000, 'the technician saw every line');
  await terminal.close();
  const recording = await waitFor('the recording to complete', async () => {
    const list = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
    const found = list.recordings.find(
      (candidate) => candidate.sessionId === terminal.session.session.id,
    );
    return found?.state === 'complete' ? found : undefined;
  });
  const content = await server.admin.request('GET', `/api/v1/recordings/${recording.id}/content`);
  const replayed = replayedOutput(content.text);
  assert.match(replayed, /flood-42-done/);
  assert.equal(lines(replayed), 1_500_000, 'every line was recorded');
});

test('ending the shell ends the session from the device side with a reason', async () => {
  const terminal = await openTerminal(server.admin, deviceId);
  terminal.type('exit 3\r');
  const closed = await terminal.closed;
  assert.equal(closed.code, 1000);
});

test("a second technician cannot join a session with the first one's token", async () => {
  const terminal = await openTerminal(server.admin, deviceId);
  const intruder = server.admin.websocket(
    `${terminal.session.relay.path}?token=${terminal.session.relay.token}`,
  );
  const refused = await new Promise<{ code: number; reason: string }>((resolve) =>
    intruder.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  assert.equal(refused.code, 4401);
  assert.match(refused.reason, /already used/);
  await terminal.close();
});

test("a technician cannot end another technician's session; an administrator can end anyone's", async () => {
  const password = 'technician-password-1234';
  await server.server.context.auth.createUser({ username: 'tech', password, role: 'technician' });
  const technician = server.client();
  const login = await technician.request('POST', '/api/v1/auth/login', {
    username: 'tech',
    password,
  });
  assert.equal(login.status, 200, login.text);
  // Two technicians at once on one device needs a policy that allows it.
  const policy = await server.admin.request('POST', '/api/v1/policies', {
    name: 'Concurrent sessions',
    settings: { sessions: { concurrent: true } },
  });
  assert.equal(policy.status, 201, policy.text);
  const assignments = [{ type: 'device', deviceId }];
  const policyId = policy.json(PolicyReply).policy.id;
  await server.admin.request('PUT', `/api/v1/policies/${policyId}/assignments`, { assignments });
  const theirs = await openTerminal(technician, deviceId);
  const admins = await openTerminal(server.admin, deviceId);

  const refused = await technician.request(
    'DELETE',
    `/api/v1/sessions/${admins.session.session.id}`,
  );
  assert.equal(refused.status, 403, refused.text);
  assert.equal(refused.json(ErrorBody).code, 'FORBIDDEN');
  admins.type('echo "still-$((40 + 2))"\r');
  await admins.waitForOutput(/still-42/);

  const ended = await server.admin.request(
    'DELETE',
    `/api/v1/sessions/${theirs.session.session.id}`,
  );
  assert.equal(ended.status, 204, ended.text);
  assert.match((await theirs.closed).reason, /Ended by admin/);
  await admins.close();
});

test('a device is listed online only once its agent is welcomed, so a session asked for then reaches it', async () => {
  // The welcome carries the device's remote-control ID: holding that read holds the agent
  // between its proof of identity and its welcome, which it needs before it takes sessions.
  const oem = server.server.context.store.oem;
  const read = oem.findRemoteControlId.bind(oem);
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const welcoming = new Promise<string>((resolve) => {
    oem.findRemoteControlId = async (id) => {
      oem.findRemoteControlId = read;
      resolve(id);
      await held;
      return read(id);
    };
  });
  const started = server.startAgent();
  try {
    const id = await welcoming;
    const device = (await server.admin.request('GET', `/api/v1/devices/${id}`)).json(DeviceReply);
    assert.equal(device.device.online, false, 'not online before its welcome');
    const early = await server.admin.request('POST', '/api/v1/sessions', {
      deviceId: id,
      kind: 'terminal',
    });
    assert.equal(early.status, 409, early.text);
    assert.equal(early.json(ErrorBody).code, 'DEVICE_OFFLINE');
  } finally {
    release();
  }
  const agent = await started;
  try {
    // At once, as a technician watching the device list would.
    const terminal = await openTerminal(server.admin, agent.device.id);
    terminal.type('echo "welcomed-$((40 + 2))"\r');
    await terminal.waitForOutput(/welcomed-42/);
    await terminal.close();
  } finally {
    await agent.stop();
  }
});

/** What a player shows: the output events of an asciicast, concatenated. */
function replayedOutput(cast: string): string {
  const [, ...events] = cast.trim().split('\n');
  return events
    .map((line) => JSON.parse(line) as [number, string, string])
    .filter((event) => event[1] === 'o')
    .map((event) => event[2])
    .join('');
}
