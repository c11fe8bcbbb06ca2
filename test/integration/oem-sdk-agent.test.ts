import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, afterEach, before, test } from 'node:test';
import { createOemService, type OemService } from '@tether/agent';
import { OemOperation, OemResults, systemClock, type OemOperationInput } from '@tether/protocol';
import {
  appKeySha256,
  computeMasterSecret,
  decryptDeviceKey,
  decryptDeviceSecret,
  newTenantNonce,
  readRolloutFile,
  requestRolloutData,
} from '@tether/sdk/node';
import { pino } from 'pino';

/**
 * The SDK against the real agent code, with the server's forwarding reduced to a function call:
 * every value the SDK computes must be what the device accepts.
 */
const run = promisify(execFile);
const TENANT = 't1001';
const REMOTE_CONTROL_ID = 'r124124124';
let root: string;
let agent: OemService | undefined;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-oem-sdk-agent-'));
});
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
});
after(() => rm(root, { recursive: true, force: true }));

async function startAgent() {
  const dataDir = await mkdtemp(join(root, 'agent-'));
  const socketPath = join(dataDir, 'oem-ipc', 'rollout.sock');
  const service = createOemService({
    dataDir,
    clock: systemClock,
    log: pino({ level: 'silent' }),
    keyBits: 2048,
    rolloutSocket: socketPath,
  });
  agent = service;
  await service.onWelcome(REMOTE_CONTROL_ID);
  /** What the server does: forward, and hand back the result or the refusal. */
  const forward = async <K extends OemOperation['op']>(
    operation: Extract<OemOperationInput, { op: K }>,
  ) => {
    const reply = await service.handle({
      type: 'oem.request',
      requestId: randomUUID(),
      operation: OemOperation.parse(operation),
    });
    if (reply.error) throw new Error(`${reply.error.code}: ${reply.error.message}`);
    return OemResults[operation.op].parse(reply.result) as ReturnType<
      (typeof OemResults)[K]['parse']
    >;
  };
  return { dataDir, socketPath, forward, rolloutFile: join(dataDir, 'rollout.json') };
}

test('the SDK decrypts what the agent hands out and its master secret opens the device once', async () => {
  const device = await startAgent();
  const rollout = await readRolloutFile(device.rolloutFile);
  assert.equal(rollout.remoteControlId, REMOTE_CONTROL_ID);
  const created = await device.forward({
    op: 'createDeviceKey',
    tenantId: TENANT,
    rolloutRequestId: rollout.requestId,
    keyPermissions: ['attended'],
  });

  // openssl rsa (not only pkey) opens it with the RolloutKey as well.
  const pemPath = join(device.dataDir, 'device-key.pem');
  await writeFile(pemPath, created.encryptedPrivateKey);
  const { stdout } = await run('openssl', [
    'rsa',
    '-in',
    pemPath,
    '-passin',
    `pass:${rollout.rolloutKey}`,
    '-check',
    '-noout',
  ]);
  assert.match(stdout, /RSA key ok/);

  const deviceKey = decryptDeviceKey(created.encryptedPrivateKey, rollout.rolloutKey);
  const tenantNonce = newTenantNonce();
  const control = await device.forward({
    op: 'requestControl',
    tenantId: TENANT,
    deviceKeyId: created.deviceKeyId,
    controlType: 'attended',
    tenantNonce,
  });
  const masterSecret = computeMasterSecret({
    deviceSecret: decryptDeviceSecret(control.encryptedDeviceSecret, deviceKey),
    tenantNonce,
    targetNonce: control.targetNonce,
    tenantId: TENANT,
    remoteControlId: REMOTE_CONTROL_ID,
  });
  const redeem = {
    op: 'redeemControl',
    tenantId: TENANT,
    deviceKeyId: created.deviceKeyId,
    targetNonce: control.targetNonce,
    masterSecret,
  } as const;
  assert.deepEqual(await device.forward(redeem), { controlType: 'attended' });
  await assert.rejects(device.forward(redeem), /TOKEN_INVALID/);

  // The rollout file moved on: the SDK reads the new data, the old RolloutKey opens nothing new.
  const next = await readRolloutFile(device.rolloutFile);
  assert.notEqual(next.rolloutKey, rollout.rolloutKey);
  await assert.rejects(
    device.forward({
      op: 'createDeviceKey',
      tenantId: TENANT,
      rolloutRequestId: rollout.requestId,
      keyPermissions: ['attended'],
    }),
    /CONFLICT/,
  );
});

test('a registered app gets the rollout data over the local socket; another key does not', async () => {
  const device = await startAgent();
  const app = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await device.forward({
    op: 'registerApp',
    tenantId: TENANT,
    accountId: TENANT,
    keyId: 'app-7',
    signingKeySha256: appKeySha256(app.publicKey),
  });
  const viaSocket = await requestRolloutData({
    socketPath: device.socketPath,
    accountId: TENANT,
    keyId: 'app-7',
    privateKey: app.privateKey,
  });
  assert.deepEqual(viaSocket, await readRolloutFile(device.rolloutFile));

  const stranger = generateKeyPairSync('ed25519');
  await assert.rejects(
    requestRolloutData({
      socketPath: device.socketPath,
      accountId: TENANT,
      keyId: 'app-7',
      privateKey: stranger.privateKey,
    }),
    { code: 'FORBIDDEN' },
  );
});
