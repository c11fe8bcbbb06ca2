import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { AppError, TestClock } from '@tether/protocol';
import { enrollAgent, runAgent, type AgentHandle } from '../src/index.js';
import { UNINSTALL_REQUEST_FILE } from '../src/install/uninstall-request.js';
import { startFakeServer, type FakeServer } from './helpers/fake-server.js';
import { silentLog } from './helpers/silent-log.js';
import { makeTestCertificate } from './helpers/tls-certificate.js';

const log = silentLog();
const cert = makeTestCertificate();
let root: string;
let server: FakeServer | undefined;
let agent: AgentHandle | undefined;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-removal-'));
});
after(() => rm(root, { recursive: true, force: true }));
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await server?.close();
});

async function enrolled(fake: FakeServer): Promise<string> {
  const dataDir = await mkdtemp(join(root, 'agent-'));
  await enrollAgent({ serverUrl: fake.url, token: fake.makeToken(), dataDir, log });
  return dataDir;
}

test('an uninstall order counts only once the server proved its key: then a hand-run agent forgets its identity and stops', async () => {
  server = await startFakeServer(cert);
  const dataDir = await enrolled(server);
  let isRemoved = false;
  const removed = new Promise<void>((resolve) => {
    void runAgent({
      dataDir,
      log,
      clock: new TestClock(),
      random: () => 0.5,
      onUninstalled: () => {
        isRemoved = true;
        resolve();
      },
    }).then((handle) => (agent = handle));
  });
  const connection = await server.nextConnection();
  // Before the challenge: whoever answers this socket has proved nothing yet.
  connection.send({ type: 'device.uninstall', reason: 'deleted', message: 'forged' });
  await connection.next('auth');
  assert.equal(isRemoved, false);
  assert.ok(existsSync(join(dataDir, 'identity.pem')), 'the identity is kept');

  connection.send({ type: 'device.uninstall', reason: 'deleted', message: 'deleted by admin' });
  await removed;
  assert.equal(existsSync(join(dataDir, 'identity.pem')), false);
  assert.equal(existsSync(join(dataDir, 'agent.json')), false);
  await connection.closed;
});

test('an agent whose uninstall is pending does not connect, and says what to run', async () => {
  server = await startFakeServer(cert);
  const dataDir = await enrolled(server);
  await writeFile(join(dataDir, UNINSTALL_REQUEST_FILE), 'deleted\n');
  await assert.rejects(runAgent({ dataDir, log }), (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.match(error.message, /asked to be uninstalled .*tether-agent uninstall --purge/);
    return true;
  });
});
