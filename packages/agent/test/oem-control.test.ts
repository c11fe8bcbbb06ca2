import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { CONTROL_SECRET_TTL_MS } from '../src/oem/control-secrets.js';
import {
  REMOTE_CONTROL_ID,
  TENANT,
  startOemHarness,
  type OemHarness,
} from './helpers/oem-harness.js';

const run = promisify(execFile);
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-oem-control-'));
});
after(() => rm(root, { recursive: true, force: true }));

const TENANT_NONCE = '243dd78d07324ab7befa41390d08d35f';

/** Rolls out a device key the way an integrator does and decrypts it with the RolloutKey. */
async function rollOut(oem: OemHarness, keyPermissions: ('attended' | 'unattended')[]) {
  const rollout = await oem.readRollout();
  const created = await oem.ok({
    op: 'createDeviceKey',
    tenantId: TENANT,
    rolloutRequestId: rollout.RequestId,
    keyPermissions,
  });
  const privateKey = createPrivateKey({
    key: created.encryptedPrivateKey,
    passphrase: rollout.RolloutKey,
  });
  return { ...created, privateKey };
}

/** HMAC-SHA512 computed by openssl, independently of the agent's code, as base64url. */
async function opensslMasterSecret(deviceSecret: Buffer, targetNonce: string): Promise<string> {
  const input = join(root, `hmac-input-${targetNonce}`);
  await writeFile(
    input,
    `${TENANT_NONCE}${targetNonce}${TENANT.slice(1)}${REMOTE_CONTROL_ID.slice(1)}`,
  );
  const { stdout } = await run('openssl', [
    'dgst',
    '-sha512',
    '-mac',
    'HMAC',
    '-macopt',
    `hexkey:${deviceSecret.toString('hex')}`,
    input,
  ]);
  const hex = stdout.trim().split('= ').pop() ?? '';
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** The integrator's side of O-3: decrypt the DeviceSecret (RSA-OAEP SHA-256) and HMAC with openssl. */
async function requestMasterSecret(
  oem: OemHarness,
  key: { deviceKeyId: string; privateKey: KeyObject },
  controlType: 'attended' | 'unattended',
) {
  const reply = await oem.ok({
    op: 'requestControl',
    tenantId: TENANT,
    deviceKeyId: key.deviceKeyId,
    controlType,
    tenantNonce: TENANT_NONCE,
  });
  const deviceSecret = privateDecrypt(
    { key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(reply.encryptedDeviceSecret, 'base64url'),
  );
  assert.equal(deviceSecret.length, 32);
  return {
    targetNonce: reply.targetNonce,
    masterSecret: await opensslMasterSecret(deviceSecret, reply.targetNonce),
  };
}

const redeem = (
  oem: OemHarness,
  deviceKeyId: string,
  attempt: { targetNonce: string; masterSecret: string },
  tenantId = TENANT,
) => oem.call({ op: 'redeemControl', tenantId, deviceKeyId, ...attempt });

function flipFirstBit(base64url: string): string {
  const bytes = Buffer.from(base64url, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return bytes.toString('base64url');
}

test('the master secret computed by openssl redeems exactly once and names the control type', async () => {
  const oem = await startOemHarness(root);
  const key = await rollOut(oem, ['attended', 'unattended']);
  const attempt = await requestMasterSecret(oem, key, 'unattended');
  const first = await redeem(oem, key.deviceKeyId, attempt);
  assert.deepEqual(first.result, { controlType: 'unattended' });
  const second = await redeem(oem, key.deviceKeyId, attempt);
  assert.equal(second.error?.code, 'TOKEN_INVALID');
});

test('a flipped HMAC bit is refused and burns the secret: the right one fails afterwards', async () => {
  const oem = await startOemHarness(root);
  const key = await rollOut(oem, ['attended']);
  const attempt = await requestMasterSecret(oem, key, 'attended');
  const tampered = await redeem(oem, key.deviceKeyId, {
    ...attempt,
    masterSecret: flipFirstBit(attempt.masterSecret),
  });
  assert.equal(tampered.error?.code, 'TOKEN_INVALID');
  const late = await redeem(oem, key.deviceKeyId, attempt);
  assert.deepEqual(late.error, tampered.error, 'one generic refusal whatever was wrong');
});

test('a target nonce older than the expiry is refused; a fresh one still works', async () => {
  const oem = await startOemHarness(root);
  const key = await rollOut(oem, ['attended']);
  const stale = await requestMasterSecret(oem, key, 'attended');
  oem.clock.advance(CONTROL_SECRET_TTL_MS);
  assert.equal((await redeem(oem, key.deviceKeyId, stale)).error?.code, 'TOKEN_INVALID');
  const fresh = await requestMasterSecret(oem, key, 'attended');
  oem.clock.advance(CONTROL_SECRET_TTL_MS - 1000);
  assert.deepEqual((await redeem(oem, key.deviceKeyId, fresh)).result, { controlType: 'attended' });
});

test('another tenant can neither request control with the key nor redeem its secret', async () => {
  const oem = await startOemHarness(root);
  const key = await rollOut(oem, ['attended']);
  const foreign = await oem.call({
    op: 'requestControl',
    tenantId: 't2002',
    deviceKeyId: key.deviceKeyId,
    controlType: 'attended',
    tenantNonce: TENANT_NONCE,
  });
  const unknown = await oem.call({
    op: 'requestControl',
    tenantId: TENANT,
    deviceKeyId: '114fa1a7-abab-41e9-be17-70e95c289080',
    controlType: 'attended',
    tenantNonce: TENANT_NONCE,
  });
  assert.equal(foreign.error?.code, 'NOT_FOUND');
  assert.equal(unknown.error?.code, 'NOT_FOUND');
  const attempt = await requestMasterSecret(oem, key, 'attended');
  assert.equal((await redeem(oem, key.deviceKeyId, attempt, 't2002')).error?.code, 'TOKEN_INVALID');
  assert.equal(
    (await redeem(oem, key.deviceKeyId, attempt)).error?.code,
    'TOKEN_INVALID',
    'the foreign attempt burnt it',
  );
});

test('a key without the permission for the control type is refused', async () => {
  const oem = await startOemHarness(root);
  const key = await rollOut(oem, ['attended']);
  const reply = await oem.call({
    op: 'requestControl',
    tenantId: TENANT,
    deviceKeyId: key.deviceKeyId,
    controlType: 'unattended',
    tenantNonce: TENANT_NONCE,
  });
  assert.equal(reply.error?.code, 'FORBIDDEN');
  assert.match(reply.error.message, /does not allow unattended control/);
});

test('a wrong decommission token changes nothing; the right one deletes the key and voids its pending secret', async () => {
  const oem = await startOemHarness(root);
  const key = await rollOut(oem, ['attended']);
  const pending = await requestMasterSecret(oem, key, 'attended');
  const wrong = await oem.call({
    op: 'deleteDeviceKey',
    tenantId: TENANT,
    deviceKeyId: key.deviceKeyId,
    decommissionToken: flipFirstBit(key.decommissionToken),
  });
  assert.equal(wrong.error?.code, 'FORBIDDEN');
  const foreign = await oem.call({
    op: 'deleteDeviceKey',
    tenantId: 't2002',
    deviceKeyId: key.deviceKeyId,
    decommissionToken: key.decommissionToken,
  });
  assert.deepEqual(foreign.error, wrong.error);
  // Still usable after both refusals.
  assert.deepEqual((await redeem(oem, key.deviceKeyId, pending)).result, {
    controlType: 'attended',
  });
  const another = await requestMasterSecret(oem, key, 'attended');

  await oem.ok({
    op: 'deleteDeviceKey',
    tenantId: TENANT,
    deviceKeyId: key.deviceKeyId,
    decommissionToken: key.decommissionToken,
  });
  assert.equal((await redeem(oem, key.deviceKeyId, another)).error?.code, 'TOKEN_INVALID');
  const later = await oem.call({
    op: 'requestControl',
    tenantId: TENANT,
    deviceKeyId: key.deviceKeyId,
    controlType: 'attended',
    tenantNonce: TENANT_NONCE,
  });
  assert.equal(later.error?.code, 'NOT_FOUND');
  const again = await oem.call({
    op: 'deleteDeviceKey',
    tenantId: TENANT,
    deviceKeyId: key.deviceKeyId,
    decommissionToken: key.decommissionToken,
  });
  assert.equal(again.error?.code, 'FORBIDDEN');
});

test('a device key ID that is not a GUID never reaches the file system', async () => {
  const oem = await startOemHarness(root);
  const reply = await oem.call({
    op: 'requestControl',
    tenantId: TENANT,
    deviceKeyId: '../../agent',
    controlType: 'attended',
    tenantNonce: TENANT_NONCE,
  });
  assert.equal(reply.error?.code, 'NOT_FOUND');
});
