import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { enrollAgent, runAgent } from '../src/index.js';
import type { SelfUninstallRequest } from '../src/install/self-uninstall.js';
import { startFakeServer } from './helpers/fake-server.js';
import { silentLog } from './helpers/silent-log.js';
import { makeTestCertificate } from './helpers/tls-certificate.js';
import { waitFor } from './helpers/wait-for.js';

const log = silentLog();
const MINUTE = 60_000;
let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-deadline-agent-'));
});
after(() => rm(root, { recursive: true, force: true }));

test('an ephemeral agent whose server is gone for good uninstalls itself 5 minutes after its last contact', async () => {
  const server = await startFakeServer(makeTestCertificate(), {
    settings: {
      statistics: { intervalSec: 60, enabled: [] },
      maintenance: { deleteAfterOfflineMinutes: 5, restrictLocalUninstall: false },
    },
  });
  const dataDir = await mkdtemp(join(root, 'agent-'));
  await enrollAgent({ serverUrl: server.url, token: server.makeToken(), dataDir, log });
  const clock = new TestClock();
  const uninstalls: SelfUninstallRequest[] = [];
  let isGone = false;
  const agent = await runAgent({
    dataDir,
    log,
    clock,
    random: () => 0.5,
    spareShell: false,
    uninstall: (request) => {
      uninstalls.push(request);
      return Promise.resolve();
    },
    onUninstalled: () => (isGone = true),
  });
  const changes: boolean[] = [];
  agent.onConnectionChange((isConnected) => changes.push(isConnected));
  const connection = await server.nextConnection();
  await connection.next('auth');
  await waitFor(() => changes.includes(true), 'the welcome');
  // The server disappears and never comes back; the agent keeps trying on its backoff.
  await server.close();
  await waitFor(() => changes.includes(false), 'the disconnection');
  clock.advance(4 * MINUTE);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(uninstalls.length, 0, 'not before its deadline');
  clock.advance(MINUTE + 1000);
  await waitFor(() => isGone, 'the self-uninstall');
  const [request, ...more] = uninstalls;
  assert.equal(more.length, 0, 'once');
  assert.ok(request);
  assert.equal(request.dataDir, dataDir);
  assert.match(request.reason, /more than 5 minutes/);
});
