import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { AppError } from '@tether/protocol';
import { enrollAgent } from '../src/index.js';
import { readAgentState } from '../src/identity/agent-state.js';
import { makeServerKey, startFakeServer, type FakeServer } from './helpers/fake-server.js';
import { silentLog } from './helpers/silent-log.js';
import { makeTestCertificate } from './helpers/tls-certificate.js';

let server: FakeServer;
let root: string;
let dataDir: string;
const log = silentLog();

before(async () => {
  server = await startFakeServer(makeTestCertificate());
  root = await mkdtemp(join(tmpdir(), 'tether-enroll-'));
});
after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});
let dirCount = 0;
beforeEach(() => {
  server.behaviour.enroll = undefined;
  dataDir = join(root, `agent-${++dirCount}`);
});

async function assertNothingWritten(): Promise<void> {
  const entries = await readdir(dataDir).catch((error: unknown) => {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  });
  assert.deepEqual(entries, []);
}

async function assertRejectsWith(
  promise: Promise<unknown>,
  code: string,
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected AppError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

test('enrolment writes a 0600 identity and config the agent can read back', async () => {
  const result = await enrollAgent({
    serverUrl: server.url,
    token: server.makeToken(),
    dataDir,
    log,
  });
  assert.ok(server.devices.has(result.deviceId));
  assert.ok(result.name.length > 0);
  const state = await readAgentState(dataDir);
  assert.equal(state.config.deviceId, result.deviceId);
  assert.equal(state.config.serverPublicKey, server.key.publicKey);
  assert.equal(state.config.serverKeyHash, server.key.keyHash);
  assert.equal(state.config.serverUrl, server.url);
  assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
  for (const file of ['identity.pem', 'agent.json']) {
    assert.equal((await stat(join(dataDir, file))).mode & 0o777, 0o600);
  }
  assert.deepEqual((await readdir(dataDir)).sort(), ['agent.json', 'identity.pem']);
  assert.match(await readFile(join(dataDir, 'identity.pem'), 'utf8'), /BEGIN PRIVATE KEY/);
});

test('a malformed token is refused before contacting the server, nothing written', async () => {
  await assertRejectsWith(
    enrollAgent({ serverUrl: server.url, token: 'tet1.not-a-token', dataDir, log }),
    'TOKEN_INVALID',
    /not a valid enrolment token/,
  );
  await assertNothingWritten();
});

test('an expired token is refused with its expiry date and what to do', async () => {
  const token = server.makeToken({ exp: 1_700_000_000, iat: 1_699_990_000 });
  await assertRejectsWith(
    enrollAgent({ serverUrl: server.url, token, dataDir, log }),
    'TOKEN_EXPIRED',
    /expired \(valid until 2023-11-14T22:13:20\.000Z\)\. Ask your administrator for a new installer/,
  );
  await assertNothingWritten();
});

test('a server whose key does not match the token pin is refused, nothing written', async () => {
  const impostor = makeServerKey();
  server.behaviour.enroll = (_request, proper) => ({
    status: 201,
    body: { ...(proper.body as object), serverPublicKey: impostor.publicKey },
  });
  await assertRejectsWith(
    enrollAgent({ serverUrl: server.url, token: server.makeToken(), dataDir, log }),
    'AUTH_FAILED',
    /not the server this enrolment token was made for/,
  );
  await assertNothingWritten();
});

test('a bad enrolment signature is refused, nothing written', async () => {
  server.behaviour.enroll = (_request, proper) => ({
    status: 201,
    body: { ...(proper.body as object), signature: Buffer.alloc(64, 7).toString('base64url') },
  });
  await assertRejectsWith(
    enrollAgent({ serverUrl: server.url, token: server.makeToken(), dataDir, log }),
    'AUTH_FAILED',
    /invalid signature/,
  );
  await assertNothingWritten();
});

test("the server's error message is surfaced as is", async () => {
  server.behaviour.enroll = () => ({
    status: 401,
    body: { code: 'TOKEN_REVOKED', message: 'This installer was deleted by an administrator.' },
  });
  await assertRejectsWith(
    enrollAgent({ serverUrl: server.url, token: server.makeToken(), dataDir, log }),
    'TOKEN_REVOKED',
    /^This installer was deleted by an administrator\.$/,
  );
  await assertNothingWritten();
});

test('a plain http server address is refused', async () => {
  await assertRejectsWith(
    enrollAgent({
      serverUrl: server.url.replace('https:', 'http:'),
      token: server.makeToken(),
      dataDir,
      log,
    }),
    'INVALID_INPUT',
    /https:\/\//,
  );
  await assertNothingWritten();
});

test('an unreachable server is reported with its address', async () => {
  await assertRejectsWith(
    enrollAgent({
      serverUrl: 'https://127.0.0.1:1',
      token: server.makeToken(),
      dataDir,
      log,
      fetchTimeoutMs: 2000,
    }),
    'UNAVAILABLE',
    /Cannot reach the Tether server at https:\/\/127\.0\.0\.1:1/,
  );
  await assertNothingWritten();
});
