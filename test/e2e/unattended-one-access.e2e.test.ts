import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuditPage,
  CreateUnattendedResponse,
  DeviceList,
  ErrorBody,
  UnattendedAccessList,
  UnattendedTurnedOff,
  formatAccessId,
} from '@tether/protocol';
import { runCli, waitFor } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { unattendedCalls } from '../support/unattended.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(async () => server.close());

/** A device of its own per test: one live access per device, and failures count per device. */
async function newDevice() {
  const agent = await server.startAgent();
  const status = () => runCli(['agent', 'unattended', 'status', '--data-dir', agent.dataDir]);
  return { deviceId: agent.device.id, status };
}

const {
  requestAccess: create,
  createAccess,
  connect,
  joinSession,
  openShell,
  deviceView,
} = unattendedCalls(() => server.admin);

async function auditEntries(action: string, accessId: string) {
  const page = (await server.admin.request('GET', `/api/v1/audit?action=${action}&limit=500`)).json(
    AuditPage,
  );
  return page.entries.filter((entry) => entry.details.accessId === accessId);
}

test('a second access while one is live is refused with 409; replacing it revokes the old one, whose password then opens nothing', async () => {
  const { deviceId, status } = await newDevice();
  const first = await createAccess(deviceId);
  const terminal = await openShell(first.access.id, first.password);

  const second = await create(deviceId);
  assert.equal(second.status, 409, second.text);
  const refusal = second.json(ErrorBody);
  assert.equal(refusal.code, 'CONFLICT');
  assert.equal(refusal.details?.accessId, first.access.id, 'the refusal names the live access');
  assert.match(refusal.message, /already on .*replace/);
  assert.ok(!second.text.includes(first.password), 'the refusal never repeats the password');

  const replacement = await createAccess(deviceId, { replace: true });
  const ended = await terminal.closed;
  assert.match(ended.reason, /Unattended access was replaced/, 'its running session ended');
  const old = await connect(first.access.id, first.password);
  assert.equal(old.status, 401, old.text);
  assert.equal(old.json(ErrorBody).code, 'TOKEN_EXPIRED');

  const listed = (
    await server.admin.request('GET', `/api/v1/unattended?deviceId=${deviceId}`)
  ).json(UnattendedAccessList);
  assert.deepEqual(
    listed.accesses.map((access) => [access.id, access.state]),
    [
      [replacement.access.id, 'waiting'],
      [first.access.id, 'revoked'],
    ],
  );
  const agentStatus = await waitFor('the agent to drop the old access', async () => {
    const shown = (await status()).stdout;
    return shown.includes(formatAccessId(first.access.id)) ? undefined : shown;
  });
  assert.match(agentStatus, new RegExp(`on  ${formatAccessId(replacement.access.id)}`));
  const revoked = await auditEntries('unattended.revoked', first.access.id);
  assert.deepEqual(
    revoked.map((entry) => entry.details.reason),
    ['replaced'],
  );
  const made = await auditEntries('unattended.created', replacement.access.id);
  assert.deepEqual(made[0]?.details.replaced, [first.access.id]);

  await (await openShell(replacement.access.id, replacement.password)).close();
});

test('turning off revokes every access of the device, ends its sessions and turns the agent service off; the device shows it', async () => {
  const { deviceId, status } = await newDevice();
  assert.equal((await deviceView(deviceId)).unattendedAccess, null);
  const { access, password } = await createAccess(deviceId);
  const shown = await deviceView(deviceId);
  assert.deepEqual(
    [shown.unattendedAccess?.id, shown.unattendedAccess?.mode],
    [access.id, 'unattended'],
  );
  const inList = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  assert.equal(
    inList.devices.find((device) => device.id === deviceId)?.unattendedAccess?.id,
    access.id,
  );
  const terminal = await openShell(access.id, password);
  assert.equal((await deviceView(deviceId)).unattendedAccess?.state, 'connected');

  const off = await server.admin.request('DELETE', `/api/v1/devices/${deviceId}/unattended`);
  assert.equal(off.status, 200, off.text);
  assert.deepEqual(off.json(UnattendedTurnedOff).revoked, [access.id]);
  assert.match((await terminal.closed).reason, /Unattended access was turned off/);
  const refused = await connect(access.id, password);
  assert.equal(refused.json(ErrorBody).code, 'TOKEN_EXPIRED');
  assert.equal((await deviceView(deviceId)).unattendedAccess, null);
  await waitFor('the agent to turn its unattended service off', async () => {
    const shownByAgent = await status();
    return /Unattended access is off/.test(shownByAgent.stdout) ? true : undefined;
  });
  const revoked = await auditEntries('unattended.revoked', access.id);
  assert.deepEqual(
    revoked.map((entry) => entry.details.reason),
    ['turned_off'],
  );

  const again = await server.admin.request('DELETE', `/api/v1/devices/${deviceId}/unattended`);
  assert.deepEqual(again.json(UnattendedTurnedOff).revoked, [], 'turning off twice is harmless');
  const next = await createAccess(deviceId);
  assert.notEqual(next.access.id, access.id, 'once off, a new access can be turned on');
});

test('a burst of 20 simultaneous attempts, the right password among them, gets no more than the free attempts and one more checked', async () => {
  const { deviceId } = await newDevice();
  const { access, password } = await createAccess(deviceId);
  const guesses = Array.from({ length: 20 }, (_, index) =>
    index === 10 ? password : `wrong-guess-${index}`,
  );
  const answers = await Promise.all(guesses.map((guess) => connect(access.id, guess)));
  const statuses = answers.map((answer) => answer.status);
  const wrongChecked = statuses.filter((code) => code === 401).length;
  const opened = answers.filter((answer) => answer.status === 201);
  const limited = answers.filter((answer) => answer.status === 429);
  // Three free attempts may be checked at once; beyond them one at a time, so an attempt of the
  // burst that arrives after those three were refused (a loaded machine spreads the burst over
  // their hashing) is the fourth checked, and its failure starts the delay that refuses the rest.
  assert.ok(
    wrongChecked <= 4,
    `the free three and at most one more were checked, not the burst (${statuses.join()})`,
  );
  assert.equal(wrongChecked + opened.length + limited.length, 20, statuses.join());
  for (const answer of limited) assert.equal(answer.json(ErrorBody).code, 'RATE_LIMITED');
  assert.equal((await auditEntries('unattended.auth_failed', access.id)).length, wrongChecked);
  assert.equal(
    (await auditEntries('unattended.throttled', access.id)).length,
    1,
    'the first refusal is audited at once; the others are counted for the summary',
  );
  for (const answer of opened) {
    await (await joinSession(answer)).close();
  }

  // Used up: wrong guesses until refused, then even a burst of right passwords is refused.
  let refusal = await connect(access.id, 'wrong-again');
  for (let attempt = 0; refusal.status === 401 && attempt < 5; attempt += 1) {
    refusal = await connect(access.id, 'wrong-again');
  }
  assert.equal(refusal.status, 429, refusal.text);
  const rightOnes = await Promise.all(guesses.map(() => connect(access.id, password)));
  assert.deepEqual(
    rightOnes.map((answer) => answer.json(ErrorBody).code),
    guesses.map(() => 'RATE_LIMITED'),
    'a right password inside the wait is refused like any other',
  );
  const waitSec = Number(refusal.json(ErrorBody).details?.retryAfterSec);
  server.clock.advance(waitSec * 1000);
  const afterWait = await connect(access.id, password);
  assert.equal(afterWait.status, 201, afterWait.text);
  await (await joinSession(afterWait)).close();

  server.clock.advance(60_000);
  const summary = await waitFor('the summary of the refusals', async () => {
    const page = await server.admin.request('GET', '/api/v1/audit?action=refusals.summary');
    return page.json(AuditPage).entries.find((entry) => entry.target === deviceId);
  });
  assert.equal(summary.details.action, 'unattended.throttled');
  assert.equal(
    summary.details.count,
    limited.length + 1 + rightOnes.length - 1,
    'every refusal after the first is counted: the burst, the used-up attempt and the right ones',
  );
});

test('two simultaneous requests turn on one access: the other is refused with 409 and only one password works', async () => {
  const { deviceId } = await newDevice();
  const answers = await Promise.all([create(deviceId), create(deviceId), create(deviceId)]);
  const made = answers.filter((answer) => answer.status === 201);
  const refused = answers.filter((answer) => answer.status === 409);
  assert.equal(made.length, 1, answers.map((answer) => answer.status).join());
  assert.equal(refused.length, 2, answers.map((answer) => answer.status).join());
  const { access } = made[0]?.json(CreateUnattendedResponse) ?? assert.fail('one was made');
  for (const answer of refused) assert.equal(answer.json(ErrorBody).details?.accessId, access.id);
  const listed = (
    await server.admin.request('GET', `/api/v1/unattended?deviceId=${deviceId}`)
  ).json(UnattendedAccessList);
  assert.deepEqual(
    listed.accesses.map((each) => each.id),
    [access.id],
  );
});
