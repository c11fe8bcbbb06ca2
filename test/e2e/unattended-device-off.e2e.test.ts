import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuditPage, ErrorBody, UnattendedAccessList } from '@tether/protocol';
import { startHttpProxy } from '../support/http-proxy.js';
import { runCli, waitFor } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { unattendedCalls } from '../support/unattended.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(async () => server.close());

const { createAccess, connect, openShell, deviceView } = unattendedCalls(() => server.admin);

async function revocations(deviceId: string) {
  const page = await server.admin.request('GET', '/api/v1/audit?action=unattended.revoked');
  return page.json(AuditPage).entries.filter((entry) => entry.target === deviceId);
}

test('turned off at the device, unattended access is revoked on the server: its session ends, its password opens nothing, the device shows it off', async () => {
  const agent = await server.startAgent();
  const deviceId = agent.device.id;
  const agentCli = (...args: string[]) =>
    runCli(['agent', 'unattended', ...args, '--data-dir', agent.dataDir]);
  const { access, password } = await createAccess(deviceId);
  const terminal = await openShell(access.id, password);
  assert.equal((await deviceView(deviceId)).unattendedAccess?.state, 'connected');

  const off = await agentCli('off');
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /Unattended access is off/);

  const ended = await terminal.closed;
  assert.match(ended.reason, /turned off by the user at the device/, 'its session ended');
  await waitFor('the device to show unattended access off', async () =>
    (await deviceView(deviceId)).unattendedAccess === null ? true : undefined,
  );
  const refused = await connect(access.id, password);
  assert.equal(refused.status, 401, refused.text);
  assert.equal(refused.json(ErrorBody).code, 'TOKEN_EXPIRED');
  const listed = (
    await server.admin.request('GET', `/api/v1/unattended?deviceId=${deviceId}`)
  ).json(UnattendedAccessList);
  assert.deepEqual(
    listed.accesses.map((each) => [each.id, each.state]),
    [[access.id, 'revoked']],
  );
  const [revoked, ...more] = await revocations(deviceId);
  assert.equal(more.length, 0, 'one revocation, audited once');
  assert.equal(revoked?.actor, `device:${deviceId}`, 'the device is the actor');
  assert.deepEqual(revoked.details, { accessId: access.id, reason: 'turned_off_at_device' });

  // The server confirmed: the agent stops reporting, and a technician can turn it on again.
  const again = await agentCli('off');
  assert.equal(again.code, 0, again.stderr);
  const next = await createAccess(deviceId);
  await (await openShell(next.access.id, next.password)).close();
  const status = await agentCli('status');
  assert.match(status.stdout, /^on {2}/m, 'the new access is on at the device');
  assert.equal((await revocations(deviceId)).length, 1, 'the old report changed nothing more');
  await agent.stop();
});

test('turned off while the device is offline, the access is revoked once the agent is back, and stays off on the device', async () => {
  const proxy = await startHttpProxy();
  const port = Number(new URL(proxy.url).port);
  const agent = await server.startAgent({ env: { HTTPS_PROXY: proxy.url } });
  const deviceId = agent.device.id;
  const agentCli = (...args: string[]) =>
    runCli(['agent', 'unattended', ...args, '--data-dir', agent.dataDir]);
  const { access, password } = await createAccess(deviceId);

  await proxy.stop();
  await waitFor('the device to go offline', async () =>
    (await deviceView(deviceId)).online ? undefined : true,
  );
  const off = await agentCli('off', access.id);
  assert.equal(off.code, 0, off.stderr);
  assert.equal(
    (await deviceView(deviceId)).unattendedAccess?.id,
    access.id,
    'the server has not heard of it yet',
  );

  const back = await startHttpProxy({ port });
  try {
    await waitFor(
      'the agent to report the turn-off after reconnecting',
      async () => ((await deviceView(deviceId)).unattendedAccess === null ? true : undefined),
      90_000,
    );
    const [revoked] = await revocations(deviceId);
    assert.equal(revoked?.actor, `device:${deviceId}`);
    assert.equal(revoked.details.reason, 'turned_off_at_device');
    assert.equal((await connect(access.id, password)).json(ErrorBody).code, 'TOKEN_EXPIRED');
    assert.match((await agentCli('status')).stdout, /Unattended access is off/);
  } finally {
    await agent.stop();
    await back.stop();
  }
});

test('naming an access that is not on changes nothing and says so', async () => {
  const agent = await server.startAgent();
  const { access, password } = await createAccess(agent.device.id);
  const wrong = await runCli([
    'agent',
    'unattended',
    'off',
    '111-222-333',
    '--data-dir',
    agent.dataDir,
  ]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /no unattended access 111222333/);
  await (await openShell(access.id, password)).close();
  assert.equal((await revocations(agent.device.id)).length, 0);
  await agent.stop();
});
