import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  AccessFile,
  AuditPage,
  DeviceList,
  ErrorBody,
  Policy,
  UnattendedAccessList,
  type UnattendedAccess,
} from '@tether/protocol';
import { z } from 'zod';
import { runCli, waitFor } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { unattendedCalls } from '../support/unattended.js';

const PolicyReply = z.object({ policy: Policy });

let server: TestServer;
let deviceId: string;
let agentDataDir: string;
/** The agent reads whether a user is at the device from this file at every check. */
let presenceFile: string;

before(async () => {
  server = await createTestServer();
  presenceFile = join(server.dataDir, 'presence');
  await writeFile(presenceFile, 'absent');
  const agent = await server.startAgent({
    args: ['--user-presence', `file:${presenceFile}`, '--presence-interval', '1'],
  });
  deviceId = agent.device.id;
  agentDataDir = agent.dataDir;
});
after(async () => server.close());

const agentCli = (...args: string[]) => runCli(['agent', ...args, '--data-dir', agentDataDir]);

const calls = unattendedCalls(() => server.admin);
const { connect, joinSession } = calls;
const createAccess = (
  mode: 'unattended' | 'dynamic' = 'unattended',
  target = deviceId,
  options: { replace?: boolean } = {},
) => calls.createAccess(target, { mode, ...options });

async function accessState(id: string): Promise<UnattendedAccess | undefined> {
  const list = (await server.admin.request('GET', `/api/v1/unattended?deviceId=${deviceId}`)).json(
    UnattendedAccessList,
  );
  return list.accesses.find((access) => access.id === id);
}

async function setPresence(state: 'present' | 'absent' | 'locked'): Promise<void> {
  await writeFile(presenceFile, state);
  await waitFor(`the device to report the user ${state}`, async () => {
    const devices = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
    const presence = devices.devices.find((device) => device.id === deviceId)?.userPresence;
    const matches =
      state === 'absent'
        ? presence?.loggedIn === false
        : presence?.loggedIn === true && presence.screenLocked === (state === 'locked');
    return matches || undefined;
  });
}

async function auditCount(action: string, accessId: string): Promise<number> {
  const page = (await server.admin.request('GET', `/api/v1/audit?action=${action}&limit=500`)).json(
    AuditPage,
  );
  return page.entries.filter((entry) => entry.details.accessId === accessId).length;
}

test('unattended: the one-time password opens the device; it is stored only as a hash and a replacing access gets a new one', async () => {
  const first = await createAccess();
  assert.match(first.access.id, /^\d{9}$/);
  assert.match(first.password, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  assert.equal(first.access.state, 'waiting');
  assert.equal(first.accessFile.accessId, first.access.id);

  const status = await agentCli('unattended', 'status');
  assert.match(
    status.stdout,
    new RegExp(`on  ${first.access.id.replace(/(\d{3})(?=\d)/g, '$1 ')}`),
  );

  const listed = await server.admin.request('GET', `/api/v1/unattended?deviceId=${deviceId}`);
  assert.ok(!listed.text.includes(first.password), 'the list never shows the password');
  const database = await Promise.all(
    (await readdir(server.dataDir))
      .filter((name) => name.startsWith('tether.db'))
      .map((name) => readFile(join(server.dataDir, name))),
  );
  assert.ok(database.length > 0, 'the database file was found');
  assert.ok(
    database.every((bytes) => !bytes.includes(first.password)),
    'the password is not stored in clear',
  );

  const file = await server.admin.request(
    'GET',
    `/api/v1/unattended/${first.access.id}/access-file`,
  );
  assert.equal(file.status, 200, file.text);
  assert.equal(file.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(
    file.headers['content-disposition'],
    `attachment; filename="tether-access-${first.access.id}.json"`,
  );
  assert.equal(file.headers['x-content-type-options'], 'nosniff', 'the security headers are set');
  assert.equal(AccessFile.parse(JSON.parse(file.text)).deviceId, deviceId);
  assert.ok(!file.text.includes(first.password), 'the access file holds no password');

  const connected = await connect(first.access.id, first.password);
  assert.equal(connected.status, 201, connected.text);
  const terminal = await joinSession(connected);
  terminal.type('echo "unattended-$((40 + 2))"\r');
  await terminal.waitForOutput(/unattended-42/);
  assert.equal((await accessState(first.access.id))?.state, 'connected');
  await terminal.close();
  const idle = await waitFor('the access to go idle', async () => {
    const access = await accessState(first.access.id);
    return access?.state === 'idle' ? access : undefined;
  });
  const left = Date.parse(idle.expiresAt ?? '') - server.clock.now().getTime();
  assert.ok(
    left > 14 * 60_000 && left <= 15 * 60_000,
    `expires 15 minutes after the end (${left})`,
  );

  const second = await createAccess('unattended', deviceId, { replace: true });
  assert.notEqual(second.password, first.password);
  assert.notEqual(second.access.id, first.access.id);
  const crossed = await connect(second.access.id, first.password);
  assert.equal(crossed.status, 401, "one access's password does not open another");
  assert.equal(crossed.json(ErrorBody).code, 'AUTH_FAILED');
  const revoked = await server.admin.request('DELETE', `/api/v1/unattended/${second.access.id}`);
  assert.equal(revoked.status, 204, revoked.text);
  const afterRevoke = await connect(second.access.id, second.password);
  assert.equal(afterRevoke.json(ErrorBody).code, 'TOKEN_EXPIRED');
});

test('unattended: wrong passwords are slowed down with a growing delay; guesses are audited, refusals tallied', async () => {
  // A device of its own: failures also count per device, and the other tests' must not add up.
  const agent = await server.startAgent();
  const { access, password } = await createAccess('unattended', agent.device.id);
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    const wrong = await connect(access.id, `wrong-${attempt}`);
    assert.equal(wrong.status, 401, `attempt ${attempt} is checked`);
    assert.equal(wrong.json(ErrorBody).code, 'AUTH_FAILED');
  }
  const slowed = await connect(access.id, password);
  assert.equal(slowed.status, 429, 'after four failures even the right password waits');
  const first = slowed.json(ErrorBody);
  assert.equal(first.code, 'RATE_LIMITED');
  assert.equal(first.details?.retryAfterSec, 5);

  server.clock.advance(5_000);
  assert.equal((await connect(access.id, 'wrong-5')).status, 401);
  const longer = (await connect(access.id, password)).json(ErrorBody);
  assert.equal(longer.details?.retryAfterSec, 10, 'the delay doubles');

  assert.equal(await auditCount('unattended.auth_failed', access.id), 5, 'every guess checked');
  assert.equal(
    await auditCount('unattended.throttled', access.id),
    1,
    'the first refusal is audited at once, the next only counted',
  );
  server.clock.advance(60_000);
  const summary = await waitFor('the summary of the refusals', async () => {
    const page = await server.admin.request('GET', '/api/v1/audit?action=refusals.summary');
    const entries = page.json(AuditPage).entries;
    return entries.find((entry) => entry.target === agent.device.id);
  });
  assert.deepEqual(
    [summary.details.action, summary.details.count],
    ['unattended.throttled', 1],
    'the second refusal is in the summary of the device',
  );

  // The minute passed on the server's clock only: the agent's heartbeats look a minute late, so
  // the sweeper may close its channel meanwhile (DEVICE_OFFLINE); the agent reconnects by itself.
  const opened = await waitFor('the device to take the session', async () => {
    const answer = await connect(access.id, password);
    return answer.status === 409 ? undefined : answer;
  });
  assert.equal(opened.status, 201, opened.text);
  const terminal = await joinSession(opened);
  await terminal.close();
});

test('dynamic: with a user at the device the unattended branch is refused; without one it hands out a password', async () => {
  await setPresence('present');
  const refused = await server.admin.request('POST', '/api/v1/unattended', {
    deviceId,
    mode: 'dynamic',
  });
  assert.equal(refused.status, 409, refused.text);
  assert.match(
    refused.json(ErrorBody).message,
    /is logged in at the device.*open a dynamic session/,
  );

  await setPresence('absent');
  const { access, password } = await createAccess('dynamic');
  assert.equal(access.mode, 'dynamic');
  const opened = await connect(access.id, password);
  assert.equal(opened.status, 201, opened.text);
  const terminal = await joinSession(opened);
  terminal.type('echo "dynamic-$((6 * 7))"\r');
  await terminal.waitForOutput(/dynamic-42/);
  await terminal.close();
});

test('presence chooses the session policy at session start: present, absent, and locked with screen state', async () => {
  const created = await server.admin.request('POST', '/api/v1/policies', {
    name: 'Hands off while someone works',
    settings: {
      assistance: {
        presence: { useScreenState: true, present: ['view'], absent: ['view', 'terminal'] },
      },
    },
  });
  assert.equal(created.status, 201, created.text);
  const policy = created.json(PolicyReply).policy;
  const assigned = await server.admin.request('PUT', `/api/v1/policies/${policy.id}/assignments`, {
    assignments: [{ type: 'device', deviceId }],
  });
  assert.equal(assigned.status, 200, assigned.text);
  const requestTerminal = () =>
    server.admin.request('POST', '/api/v1/sessions', { deviceId, kind: 'terminal' });
  try {
    await setPresence('present');
    const refused = await requestTerminal();
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.json(ErrorBody).message, /a user is at the device.*"terminal" right/);

    await setPresence('locked');
    const whileLocked = await requestTerminal();
    assert.equal(whileLocked.status, 201, 'a locked screen counts as absent');
    const terminal = await joinSession(whileLocked);
    terminal.type('echo "locked-$((40 + 2))"\r');
    await terminal.waitForOutput(/locked-42/);
    await setPresence('present');
    terminal.type('echo "kept-$((40 + 2))"\r');
    await terminal.waitForOutput(/kept-42/, 5000);
    await terminal.close();

    const audit = (await server.admin.request('GET', '/api/v1/audit?action=session.requested'))
      .json(AuditPage)
      .entries.find((entry) => entry.details.presence !== undefined);
    assert.deepEqual(
      [audit?.details.presence, audit?.details.rights],
      ['absent', ['view', 'terminal']],
    );
  } finally {
    await server.admin.request('DELETE', `/api/v1/policies/${policy.id}`);
    await setPresence('absent');
  }
});

test('unattended: 15 minutes after the connection ends the password and access file stop working and the service is off', async () => {
  // The dynamic test left its access live: this one replaces it.
  const { access, password } = await createAccess('unattended', deviceId, { replace: true });
  const opened = await connect(access.id, password);
  assert.equal(opened.status, 201, opened.text);
  const terminal = await joinSession(opened);
  await terminal.close();
  await waitFor('the access to go idle', async () =>
    (await accessState(access.id))?.state === 'idle' ? true : undefined,
  );

  server.clock.advance(14 * 60_000);
  // The jump makes the agent look silent for 14 minutes: the server may drop its control channel
  // before its next heartbeat, and it reconnects. That is the jump, not the access, so a
  // DEVICE_OFFLINE answer is asked again once the refused attempt has released the access.
  const stillValid = await waitFor('a session through the access within 15 minutes', async () => {
    const answer = await connect(access.id, password);
    if (answer.status !== 409 || answer.json(ErrorBody).code !== 'DEVICE_OFFLINE') return answer;
    await waitFor('the refused attempt to release the access', async () =>
      (await accessState(access.id))?.state === 'idle' ? true : undefined,
    );
    return undefined;
  });
  assert.equal(stillValid.status, 201, 'within 15 minutes the technician can reconnect');
  await (await joinSession(stillValid)).close();
  await waitFor('the access to go idle again', async () =>
    (await accessState(access.id))?.state === 'idle' ? true : undefined,
  );

  server.clock.advance(15 * 60_000 + 1000);
  await waitFor('the access to expire', async () =>
    (await accessState(access.id))?.state === 'expired' ? true : undefined,
  );
  const refused = await connect(access.id, password);
  assert.equal(refused.status, 401, refused.text);
  assert.equal(refused.json(ErrorBody).code, 'TOKEN_EXPIRED');
  const file = await server.admin.request('GET', `/api/v1/unattended/${access.id}/access-file`);
  assert.equal(file.json(ErrorBody).code, 'TOKEN_EXPIRED');
  await waitFor('the agent to turn its unattended service off', async () => {
    const status = await agentCli('unattended', 'status');
    return status.code === 0 && /Unattended access is off/.test(status.stdout) ? true : undefined;
  });
  assert.equal(await auditCount('unattended.expired', access.id), 1);
});
