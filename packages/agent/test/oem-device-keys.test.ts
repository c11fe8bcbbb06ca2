import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { OemOperationInput } from '@tether/protocol';
import { createOemService } from '../src/oem/oem-service.js';
import { TestClock } from '@tether/protocol';
import { REMOTE_CONTROL_ID, TENANT, startOemHarness } from './helpers/oem-harness.js';
import { silentLog } from './helpers/silent-log.js';

const run = promisify(execFile);
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-oem-keys-'));
});
after(() => rm(root, { recursive: true, force: true }));

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

test('the welcome writes a 0600 rollout file with a fresh key, a GUID and the remote-control ID', async () => {
  const oem = await startOemHarness(root);
  const rollout = await oem.readRollout();
  assert.equal(rollout.RemotecontrolId, REMOTE_CONTROL_ID);
  assert.match(rollout.RolloutKey, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(await modeOf(oem.rolloutPath), 0o600);
  // A reconnect with the same ID keeps the file an integrator may be reading right now.
  await oem.service.onWelcome(REMOTE_CONTROL_ID);
  assert.deepEqual(await oem.readRollout(), rollout);
});

test('createDeviceKey returns a PKCS#8 AES-256 PEM that openssl opens with the RolloutKey, and rotates the file', async () => {
  const oem = await startOemHarness(root);
  const rollout = await oem.readRollout();
  const created = await oem.ok({
    op: 'createDeviceKey',
    tenantId: TENANT,
    rolloutRequestId: rollout.RequestId,
    keyPermissions: ['attended'],
  });
  assert.match(created.encryptedPrivateKey, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
  const pemPath = join(oem.dataDir, 'handed-out.pem');
  await writeFile(pemPath, created.encryptedPrivateKey);
  const parsed = await run('openssl', ['asn1parse', '-in', pemPath]);
  assert.match(parsed.stdout, /aes-256-cbc/);
  const opened = await run('openssl', [
    'pkey',
    '-in',
    pemPath,
    '-passin',
    `pass:${rollout.RolloutKey}`,
    '-noout',
    '-text',
  ]);
  assert.match(opened.stdout, /Private-Key: \(2048 bit/);
  await assert.rejects(
    run('openssl', ['pkey', '-in', pemPath, '-passin', 'pass:wrong-key', '-noout']),
  );

  const next = await oem.readRollout();
  assert.notEqual(next.RolloutKey, rollout.RolloutKey);
  assert.notEqual(next.RequestId, rollout.RequestId);
  assert.equal(await modeOf(oem.rolloutPath), 0o600);

  const keyFile = join(oem.dataDir, 'oem-keys', `${created.deviceKeyId}.json`);
  assert.equal(await modeOf(keyFile), 0o600);
  const stored = await readFile(keyFile, 'utf8');
  assert.ok(!stored.includes(created.decommissionToken), 'the decommission token is stored hashed');
  assert.ok(!stored.includes(rollout.RolloutKey));
});

test('a used or wrong request ID is refused, rotates the rollout data anyway and creates no key', async () => {
  const oem = await startOemHarness(root);
  const first = await oem.readRollout();
  await oem.ok({
    op: 'createDeviceKey',
    tenantId: TENANT,
    rolloutRequestId: first.RequestId,
    keyPermissions: ['attended'],
  });
  const afterFirst = await oem.readRollout();

  const reused = await oem.call({
    op: 'createDeviceKey',
    tenantId: TENANT,
    rolloutRequestId: first.RequestId,
    keyPermissions: ['attended'],
  });
  assert.equal(reused.error?.code, 'CONFLICT');
  assert.match(reused.error.message, /read the rollout file again/);
  const afterReuse = await oem.readRollout();
  assert.notEqual(
    afterReuse.RolloutKey,
    afterFirst.RolloutKey,
    'the refused request used up the key too',
  );

  // The refused request burnt afterFirst: its request ID now fails as well.
  const stale = await oem.call({
    op: 'createDeviceKey',
    tenantId: TENANT,
    rolloutRequestId: afterFirst.RequestId,
    keyPermissions: ['attended'],
  });
  assert.equal(stale.error?.code, 'CONFLICT');
  assert.equal((await readdir(join(oem.dataDir, 'oem-keys'))).length, 1);
});

test('two requests racing for one request ID: exactly one gets a key', async () => {
  const oem = await startOemHarness(root);
  const { RequestId, RolloutKey } = await oem.readRollout();
  const op: OemOperationInput = {
    op: 'createDeviceKey',
    tenantId: TENANT,
    rolloutRequestId: RequestId,
    keyPermissions: ['unattended'],
  };
  const replies = await Promise.all([oem.call(op), oem.call(op)]);
  const winners = replies.filter((reply) => !reply.error);
  assert.equal(winners.length, 1);
  const result = winners[0]?.result;
  assert.ok(typeof result === 'object' && result !== null && 'encryptedPrivateKey' in result);
  const key = createPrivateKey({ key: String(result.encryptedPrivateKey), passphrase: RolloutKey });
  assert.equal(key.asymmetricKeyType, 'rsa');
});

test('before the server told the agent its remote-control ID there is no rollout file and no key', async () => {
  const dataDir = await mkdtemp(join(root, 'unwelcomed-'));
  const service = createOemService({
    dataDir,
    clock: new TestClock(),
    log: silentLog(),
    rolloutSocket: false,
  });
  await service.onWelcome(undefined);
  await assert.rejects(stat(join(dataDir, 'rollout.json')), { code: 'ENOENT' });
  const reply = await service.handle({
    type: 'oem.request',
    requestId: randomUUID(),
    operation: {
      op: 'createDeviceKey',
      tenantId: TENANT,
      rolloutRequestId: randomUUID(),
      keyPermissions: ['attended'],
      keyFormat: 'pkcs8',
    },
  });
  assert.equal(reply.error?.code, 'UNAVAILABLE');
  await service.stop();
});
