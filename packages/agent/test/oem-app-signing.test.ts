import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, afterEach, before, test } from 'node:test';
import {
  RolloutIpcAgentMessage,
  type RolloutIpcAgentMessage as AgentMessage,
} from '@tether/protocol';
import { TENANT, startOemHarness, type OemHarness } from './helpers/oem-harness.js';

/**
 * The README's app-registration commands, run as written with openssl and coreutils: they are
 * the documentation of the exact text an app signs, so they must open the real endpoint.
 */
const run = promisify(execFile);
const sh = (script: string, cwd: string, env: Record<string, string> = {}) =>
  run('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env } });

let root: string;
let oem: OemHarness | undefined;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-oem-signing-'));
});
afterEach(async () => {
  await oem?.service.stop();
  oem = undefined;
});
after(() => rm(root, { recursive: true, force: true }));

/** Reads the agent's answers one line at a time. */
function lines(socket: Socket): () => Promise<AgentMessage> {
  let buffered = '';
  const waiting: ((message: AgentMessage) => void)[] = [];
  const ready: AgentMessage[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const message = RolloutIpcAgentMessage.parse(JSON.parse(buffered.slice(0, end)));
      buffered = buffered.slice(end + 1);
      const next = waiting.shift();
      if (next) next(message);
      else ready.push(message);
    }
  });
  return () => {
    const message = ready.shift();
    return message ? Promise.resolve(message) : new Promise((resolve) => waiting.push(resolve));
  };
}

const SIGNERS = {
  ed25519: {
    keygen: 'openssl genpkey -algorithm ed25519 -out app.pem',
    sign: 'openssl pkeyutl -sign -rawin -inkey app.pem -in challenge.txt | basenc --base64url -w0 | tr -d =',
  },
  ecdsa: {
    keygen: 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out app.pem',
    sign: 'openssl dgst -sha256 -sign app.pem challenge.txt | basenc --base64url -w0 | tr -d =',
  },
} as const;

for (const [name, signer] of Object.entries(SIGNERS)) {
  test(`the documented ${name} signing commands get the rollout data from the agent`, async () => {
    const folder = await mkdtemp(join(root, `${name}-`));
    const socketPath = join(folder, 'ipc', 'rollout.sock');
    oem = await startOemHarness(root, { rolloutSocket: socketPath });
    await sh(signer.keygen, folder);
    const { stdout: digest } = await sh(
      'openssl pkey -in app.pem -pubout -outform DER | sha256sum',
      folder,
    );
    const { stdout: publicKey } = await sh('openssl pkey -in app.pem -pubout', folder);
    const appKeyId = '4f6c1f0e-9a7b-4c1e-8d2a-0b5e6f7a8c9d';
    await oem.ok({
      op: 'registerApp',
      tenantId: TENANT,
      accountId: TENANT,
      keyId: appKeyId,
      signingKeySha256: digest.split(' ')[0] ?? '',
    });

    const socket = createConnection(socketPath);
    const next = lines(socket);
    socket.write(
      `${JSON.stringify({ type: 'hello', accountId: TENANT, keyId: appKeyId, publicKey })}\n`,
    );
    const challenge = await next();
    assert.equal(challenge.type, 'challenge');
    await sh(
      `printf 'tether-oem-rollout-v1\\n%s\\n%s\\n%s' "$ACCOUNT_ID" "$APP_KEY_ID" "$NONCE" > challenge.txt`,
      folder,
      { ACCOUNT_ID: TENANT, APP_KEY_ID: appKeyId, NONCE: challenge.nonce },
    );
    const { stdout: signature } = await sh(signer.sign, folder);
    socket.write(`${JSON.stringify({ type: 'proof', signature: signature.trim() })}\n`);
    const answer = await next();
    socket.destroy();
    assert.equal(answer.type, 'rollout', JSON.stringify(answer));
    assert.deepEqual(answer.rollout, await oem.readRollout());
  });
}
