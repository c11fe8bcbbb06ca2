import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppError, ErrorBody, OemDeviceList, SessionList } from '@tether/protocol';
import {
  appKeySha256,
  createControlUrl,
  decryptDeviceKey,
  requestRolloutData,
} from '@tether/sdk/node';
import { runCli, waitFor } from '../support/cli.js';
import {
  auditCount,
  createTenant,
  createTokenClient,
  joinByTicket,
  readRollout,
} from '../support/oem.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let agent: Awaited<ReturnType<TestServer['startAgent']>>;

before(async () => {
  server = await createTestServer();
  agent = await server.startAgent();
});
after(async () => server.close());

test('the vendor document flow: rollout, device key, control URL, session, unregister', async () => {
  const tenant = await createTenant(server, 'Acme RMM', ['Test devices']);
  const { oem, secret } = await createTokenClient(server, tenant.id);

  // Rollout (O-2): the agent wrote its remote-control ID and a one-time RolloutKey.
  const rollout = await readRollout(agent.dataDir);
  assert.match(rollout.remoteControlId, /^r\d+$/);
  const created = await oem.createDeviceKey({
    tenantId: tenant.id,
    rollout,
    keyPermissions: ['unattended'],
  });
  const deviceKey = decryptDeviceKey(created.encryptedDeviceKey, rollout.rolloutKey);
  assert.match(deviceKey, /BEGIN PRIVATE KEY/);

  // The tenant now sees the device, under the ID the agent was given in its welcome.
  const devices = await server.client().request('GET', '/api/v1/oem/devices', undefined, {
    authorization: `Bearer ${secret}`,
  });
  assert.deepEqual(devices.json(OemDeviceList).devices, [
    {
      remotecontrol_id: rollout.remoteControlId,
      name: agent.device.name,
      online: true,
      device_key_ids: [created.deviceKeyId],
    },
  ]);

  // Request control (O-3) → HMAC → filled URL; the browser that opens it is not signed in.
  const url = await createControlUrl({
    oem,
    tenantId: tenant.id,
    remoteControlId: rollout.remoteControlId,
    deviceKeyId: created.deviceKeyId,
    deviceKey,
    controlType: 'unattended',
  });
  assert.ok(url.startsWith(`${server.url}/oem/connect?`), url);
  const browser = server.client();
  const opened = await browser.request('GET', url);
  assert.equal(opened.status, 302, opened.text);
  assert.equal(opened.headers['cache-control'], 'no-store', 'the redirect carries a relay ticket');
  const location = String(opened.headers.location);
  const terminal = await joinByTicket(browser, location);
  terminal.type('echo oem-$((6*7))\r');
  await terminal.waitForOutput(/oem-42/);

  // The URL is useless afterwards.
  const again = await server.client().request('GET', url);
  assert.equal(again.status, 403);
  assert.match(again.json(ErrorBody).message, /not valid/);

  // The session is the tenant's, and on record like any other.
  const sessions = (
    await server.admin.request('GET', `/api/v1/sessions?deviceId=${agent.device.id}`)
  ).json(SessionList).sessions;
  assert.equal(sessions[0]?.state, 'active');

  // Unregister (O-4): 204, the session opened with the key ends, the key is refused.
  await oem.unregister({
    tenantId: tenant.id,
    remoteControlId: rollout.remoteControlId,
    deviceKeyId: created.deviceKeyId,
    decommissionToken: created.decommissionToken,
  });
  const closed = await terminal.closed;
  assert.match(closed.reason, /unregistered/);
  await assert.rejects(
    createControlUrl({
      oem,
      tenantId: tenant.id,
      remoteControlId: rollout.remoteControlId,
      deviceKeyId: created.deviceKeyId,
      deviceKey,
      controlType: 'unattended',
    }),
    (error) => error instanceof AppError && error.code === 'NOT_FOUND',
  );

  for (const action of [
    'oem.device_key_created',
    'oem.control_requested',
    'oem.control_redeemed',
    'oem.device_key_deleted',
  ] as const) {
    assert.equal(await auditCount(server, action), 1, action);
  }
});

test('an app registered through the API gets the rollout data from the local endpoint (O-5)', async () => {
  const tenant = await createTenant(server, 'Mobile MDM', ['Test devices']);
  const { oem } = await createTokenClient(server, tenant.id);
  const app = generateKeyPairSync('ed25519');
  const registration = await oem.registerApp({
    tenantId: tenant.id,
    appKeySha256: appKeySha256(app.publicKey),
  });
  assert.equal(registration.accountId, tenant.id);
  const socketPath = join(agent.dataDir, 'oem-ipc', 'rollout.sock');
  const rollout = await waitFor('the registration to reach the device', () =>
    requestRolloutData({ socketPath, ...registration, privateKey: app.privateKey }).catch(
      () => undefined,
    ),
  );
  assert.deepEqual(rollout, await readRollout(agent.dataDir));
  const stranger = generateKeyPairSync('ed25519');
  await assert.rejects(
    requestRolloutData({ socketPath, ...registration, privateKey: stranger.privateKey }),
  );
});

test('an attended control URL opens only once the user at the device accepts', async () => {
  const tenant = await createTenant(server, 'Attended RMM', ['Test devices']);
  const { oem } = await createTokenClient(server, tenant.id);
  const rollout = await readRollout(agent.dataDir);
  const created = await oem.createDeviceKey({
    tenantId: tenant.id,
    rollout,
    keyPermissions: ['attended'],
  });
  const url = await createControlUrl({
    oem,
    tenantId: tenant.id,
    remoteControlId: rollout.remoteControlId,
    deviceKeyId: created.deviceKeyId,
    deviceKey: decryptDeviceKey(created.encryptedDeviceKey, rollout.rolloutKey),
    controlType: 'attended',
  });
  const browser = server.client();
  const opened = await browser.request('GET', url);
  assert.equal(opened.status, 302, opened.text);
  const terminal = await joinByTicket(browser, String(opened.headers.location));
  const prompts = (...args: string[]) =>
    runCli(['agent', 'prompts', ...args, '--data-dir', agent.dataDir]);
  const prompt = await waitFor('the consent prompt on the device', async () => {
    const listed = await prompts('list');
    return listed.stdout.split('\n').find((line) => line.includes(`oem:${tenant.id}`));
  });
  assert.match(prompt, /asks for a terminal session \(interactive/);
  const accepted = await prompts('accept', prompt.split(/\s/)[0] ?? '');
  assert.equal(accepted.code, 0, accepted.stderr);
  terminal.type('echo attended-$((6*7))\r');
  await terminal.waitForOutput(/attended-42/);
  terminal.socket.close(1000, 'done');
  assert.equal((await terminal.closed).code, 1000);
});
