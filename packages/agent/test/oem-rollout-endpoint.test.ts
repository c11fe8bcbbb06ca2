import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import {
  RolloutIpcAgentMessage,
  rolloutChallengeText,
  type RolloutIpcAgentMessage as AgentMessage,
} from '@tether/protocol';
import { TENANT, startOemHarness, type OemHarness } from './helpers/oem-harness.js';

let root: string;
let oem: OemHarness | undefined;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-oem-ipc-'));
});
afterEach(async () => {
  await oem?.service.stop();
  oem = undefined;
});
after(() => rm(root, { recursive: true, force: true }));

const appKey = generateKeyPairSync('ed25519');
const sha256Of = (key: KeyObject): string =>
  createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');

/** A raw client of the endpoint: hello, then proof signed with `signWith`; returns the last message. */
function exchange(
  socketPath: string,
  hello: { accountId: string; keyId: string; publicKey: KeyObject; signWith: KeyObject },
): Promise<AgentMessage> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffered = '';
    let last: AgentMessage | undefined;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      const publicKey = String(hello.publicKey.export({ type: 'spki', format: 'pem' }));
      socket.write(
        `${JSON.stringify({ type: 'hello', accountId: hello.accountId, keyId: hello.keyId, publicKey })}\n`,
      );
    });
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        last = RolloutIpcAgentMessage.parse(JSON.parse(line));
        if (last.type !== 'challenge') continue;
        const text = rolloutChallengeText({
          accountId: hello.accountId,
          keyId: hello.keyId,
          nonce: last.nonce,
        });
        const signature = sign(null, Buffer.from(text), hello.signWith).toString('base64url');
        socket.write(`${JSON.stringify({ type: 'proof', signature })}\n`);
      }
    });
    socket.on('error', reject);
    socket.on('close', () =>
      last ? resolve(last) : reject(new Error('closed without an answer')),
    );
  });
}

async function startWithApp(): Promise<{ harness: OemHarness; socketPath: string }> {
  const folder = await mkdtemp(join(root, 'ipc-'));
  const socketPath = join(folder, 'ipc', 'rollout.sock');
  const harness = await startOemHarness(root, { rolloutSocket: socketPath });
  oem = harness;
  await harness.ok({
    op: 'registerApp',
    tenantId: TENANT,
    accountId: TENANT,
    keyId: 'app-1',
    signingKeySha256: sha256Of(appKey.publicKey),
  });
  return { harness, socketPath };
}

test('a registered app that signs the challenge gets the current rollout data; the socket is 0600', async () => {
  const { harness, socketPath } = await startWithApp();
  const answer = await exchange(socketPath, {
    accountId: TENANT,
    keyId: 'app-1',
    publicKey: appKey.publicKey,
    signWith: appKey.privateKey,
  });
  assert.equal(answer.type, 'rollout');
  assert.deepEqual(answer.rollout, await harness.readRollout());
  assert.equal((await stat(socketPath)).mode & 0o777, 0o600);
});

test('an unknown key ID, another key or a signature by another key gets no rollout data', async () => {
  const { socketPath } = await startWithApp();
  const other = generateKeyPairSync('ed25519');
  const attempts = [
    { accountId: TENANT, keyId: 'app-2', publicKey: appKey.publicKey, signWith: appKey.privateKey },
    {
      accountId: 't2002',
      keyId: 'app-1',
      publicKey: appKey.publicKey,
      signWith: appKey.privateKey,
    },
    { accountId: TENANT, keyId: 'app-1', publicKey: other.publicKey, signWith: other.privateKey },
    { accountId: TENANT, keyId: 'app-1', publicKey: appKey.publicKey, signWith: other.privateKey },
  ];
  for (const attempt of attempts) {
    const answer = await exchange(socketPath, attempt);
    assert.equal(answer.type, 'error');
    assert.equal(answer.error.code, 'FORBIDDEN');
  }
});

test('stopping the agent removes the socket', async () => {
  const { harness, socketPath } = await startWithApp();
  await harness.service.stop();
  oem = undefined;
  await assert.rejects(stat(socketPath), { code: 'ENOENT' });
});
