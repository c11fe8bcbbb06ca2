import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createOemService } from '../src/oem/oem-service.js';
import { TestClock } from '@tether/protocol';
import { TENANT, startOemHarness } from './helpers/oem-harness.js';
import { silentLog } from './helpers/silent-log.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-oem-key-state-'));
});
after(() => rm(root, { recursive: true, force: true }));

/** Every file under `folder`, recursively, with its text. */
async function filesUnder(folder: string): Promise<{ path: string; text: string }[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  const files = entries.filter((entry) => entry.isFile());
  return Promise.all(
    files.map(async (entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path, text: await readFile(path, 'utf8') };
    }),
  );
}

const spki = (key: Parameters<typeof createPublicKey>[0]): string =>
  String(createPublicKey(key).export({ type: 'spki', format: 'pem' }));

test('after createDeviceKey the data directory holds the public half only, and control still works', async () => {
  const oem = await startOemHarness(root);
  const rollout = await oem.readRollout();
  const created = await oem.ok({
    op: 'createDeviceKey',
    tenantId: TENANT,
    rolloutRequestId: rollout.RequestId,
    keyPermissions: ['attended'],
  });
  const handedOut = createPrivateKey({
    key: created.encryptedPrivateKey,
    passphrase: rollout.RolloutKey,
  });

  const files = await filesUnder(oem.dataDir);
  for (const file of files) {
    assert.ok(!/PRIVATE KEY/.test(file.text), `${file.path} holds no private key`);
  }
  const keyFile = files.find((file) => file.path.endsWith(`${created.deviceKeyId}.json`));
  const record = JSON.parse(keyFile?.text ?? '{}') as Record<string, unknown>;
  assert.equal(record['publicKey'], spki(handedOut), 'the stored key is the handed-out key');
  assert.equal(record['privateKey'], undefined);

  const control = await oem.ok({
    op: 'requestControl',
    tenantId: TENANT,
    deviceKeyId: created.deviceKeyId,
    controlType: 'attended',
    tenantNonce: '243dd78d07324ab7befa41390d08d35f',
  });
  assert.ok(control.encryptedDeviceSecret.length > 0);
  await oem.service.stop();
});

test('a device key file an older agent wrote with the private key is rewritten with the public half at start', async () => {
  const dataDir = await mkdtemp(join(root, 'legacy-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const deviceKeyId = randomUUID();
  const legacy = {
    deviceKeyId,
    tenantId: TENANT,
    permissions: ['unattended'],
    privateKey: String(privateKey.export({ type: 'pkcs8', format: 'pem' })),
    decommissionTokenSha256: 'a'.repeat(64),
    createdAt: new Date(0).toISOString(),
  };
  await mkdir(join(dataDir, 'oem-keys'), { recursive: true });
  const keyFile = join(dataDir, 'oem-keys', `${deviceKeyId}.json`);
  await writeFile(keyFile, JSON.stringify(legacy), { mode: 0o600 });

  const service = createOemService({
    dataDir,
    clock: new TestClock(),
    log: silentLog(),
    rolloutSocket: false,
  });
  await service.stop(); // waits for the start-up rewrite

  const rewritten = JSON.parse(await readFile(keyFile, 'utf8')) as Record<string, unknown>;
  assert.equal(rewritten['privateKey'], undefined);
  assert.equal(rewritten['publicKey'], spki(privateKey));
  for (const field of ['deviceKeyId', 'tenantId', 'permissions', 'createdAt'] as const) {
    assert.deepEqual(rewritten[field], legacy[field], field);
  }
  assert.equal(rewritten['decommissionTokenSha256'], legacy.decommissionTokenSha256);
  const leftovers = (await filesUnder(dataDir)).filter((file) => /PRIVATE KEY/.test(file.text));
  assert.deepEqual(leftovers, [], 'no private key left anywhere (no temporary copy either)');
});
