import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { AppError } from '@tether/protocol';
import {
  computeMasterSecret,
  decryptDeviceKey,
  decryptDeviceSecret,
  fillConnectUrl,
} from '../src/node/index.js';

const run = promisify(execFile);
let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-sdk-oem-'));
});
after(() => rm(root, { recursive: true, force: true }));

/** Made with `openssl genrsa -aes256 -traditional`: the vendor document's legacy format. */
const LEGACY_PEM = new URL('./fixtures/legacy-device-key.pem', import.meta.url);
const LEGACY_PASSPHRASE = 'tLu3Yk4dM0p6yQ2rWcXe9gHf1sVbN8aZ7oJiKuE5tRq';

/** Fixed vector: secret 00..1f, the document's tenant nonce, tenant t0001, device r124124124. */
const VECTOR = {
  deviceSecret: Buffer.from(Array.from({ length: 32 }, (_, i) => i)),
  tenantNonce: '243dd78d07324ab7befa41390d08d35f',
  targetNonce: '9b1c7e2a4f6d8c0e1a3b5d7f9e2c4a6b',
  tenantId: 't0001',
  remoteControlId: 'r124124124',
};
/** `openssl dgst -sha512 -mac HMAC -macopt hexkey:…` of the vector's input, as base64url. */
const VECTOR_MASTER_SECRET =
  '3B-cw-ZL8leMMOjljEoOyweUIMa2pqNX-rIzp5NZobjf7Xxq2nTcsDi4ncmzZVE5qr7YpHNtlrX6qeo571pxDQ';

async function opensslHmac(secret: Buffer, input: string): Promise<string> {
  const file = join(root, `input-${randomBytes(4).toString('hex')}`);
  await writeFile(file, input);
  const { stdout } = await run('openssl', [
    'dgst',
    '-sha512',
    '-mac',
    'HMAC',
    '-macopt',
    `hexkey:${secret.toString('hex')}`,
    file,
  ]);
  return Buffer.from(stdout.trim().split('= ').pop() ?? '', 'hex').toString('base64url');
}

test('the master secret of the fixed vector is the pinned openssl value', () => {
  assert.equal(computeMasterSecret(VECTOR), VECTOR_MASTER_SECRET);
});

test('the master secret equals openssl HMAC-SHA512 on random vectors', async () => {
  for (let i = 0; i < 3; i++) {
    const vector = {
      ...VECTOR,
      deviceSecret: randomBytes(32),
      targetNonce: randomBytes(16).toString('hex'),
    };
    const input = `${vector.tenantNonce}${vector.targetNonce}${vector.tenantId.slice(1)}${vector.remoteControlId.slice(1)}`;
    assert.equal(computeMasterSecret(vector), await opensslHmac(vector.deviceSecret, input));
  }
});

test('decryptDeviceKey opens the legacy Proc-Type/DEK-Info PEM and the PKCS#8 one', async () => {
  const legacy = decryptDeviceKey(await readFile(LEGACY_PEM, 'utf8'), LEGACY_PASSPHRASE);
  assert.match(legacy, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.equal(createPublicKey(legacy).asymmetricKeyDetails?.modulusLength, 2048);

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs8 = String(
    privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'rollout-key',
    }),
  );
  const opened = decryptDeviceKey(pkcs8, 'rollout-key');
  assert.equal(opened, privateKey.export({ type: 'pkcs8', format: 'pem' }));
});

test('decryptDeviceKey with the wrong RolloutKey says which key to use', async () => {
  const legacy = await readFile(LEGACY_PEM, 'utf8');
  assert.throws(
    () => decryptDeviceKey(legacy, 'not-the-rollout-key'),
    (error: unknown) =>
      error instanceof AppError &&
      error.code === 'INVALID_INPUT' &&
      /RolloutKey/.test(error.message),
  );
});

test('decryptDeviceSecret reverses RSA-OAEP-SHA256 from base64url and refuses another key', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const secret = randomBytes(32);
  const encrypted = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    secret,
  ).toString('base64url');
  assert.deepEqual(decryptDeviceSecret(encrypted, privateKey), secret);
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  assert.throws(() => decryptDeviceSecret(encrypted, other), { code: 'INVALID_INPUT' });
});

test('decryptDeviceSecret also reads RSA-OAEP-SHA1 (seed-001 tenants), and only the hash it is told when told', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const secret = randomBytes(32);
  const encrypted = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    secret,
  ).toString('base64url');
  const pem = String(privateKey.export({ type: 'pkcs1', format: 'pem' }));
  assert.deepEqual(decryptDeviceSecret(encrypted, pem), secret);
  assert.deepEqual(decryptDeviceSecret(encrypted, privateKey, { oaepHash: 'sha1' }), secret);
  assert.throws(() => decryptDeviceSecret(encrypted, privateKey, { oaepHash: 'sha256' }), {
    code: 'INVALID_INPUT',
  });
});

test('fillConnectUrl replaces the placeholder and refuses templates without one or non-base64url secrets', () => {
  assert.equal(
    fillConnectUrl(
      'https://tether.example/oem/connect/YOUR_MASTER_SECRET?k=1',
      VECTOR_MASTER_SECRET,
    ),
    `https://tether.example/oem/connect/${VECTOR_MASTER_SECRET}?k=1`,
  );
  assert.throws(() => fillConnectUrl('https://tether.example/oem/connect', 'abc'), {
    code: 'INVALID_INPUT',
  });
  assert.throws(() => fillConnectUrl('https://x/YOUR_MASTER_SECRET', 'a+b/c='), {
    code: 'INVALID_INPUT',
  });
});
