import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  AGENT_CONNECT_PATH,
  AdmissionView,
  AuditPage,
  DeviceList,
  ErrorBody,
  RETRY_AFTER_MS_HEADER,
} from '@tether/protocol';
import { enrollAgent, fixedUserPresence, runAgent, type AgentHandle } from '@tether/agent';
import { createLogger } from '@tether/server';
import { adminClient } from '../support/admin-client.js';
import { runCli, waitFor } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { openTerminal } from '../support/terminal-client.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

/** The storm: more agents than the rate admits in several seconds. */
const STORM_AGENTS = 80;
const RATE = 10;

let server: TestServer;
let dir: string;
const log = createLogger({ level: 'silent' });

before(async () => {
  server = await createTestServer();
  dir = await mkdtemp(join(tmpdir(), 'tether-admission-'));
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const setRate = (agentsPerSec: number): Promise<{ status: number; text: string }> =>
  adminClient(server).request('PUT', '/conf/api/admission', { agentsPerSec });

/** Answers the agents' upgrade with the server's raw reply (101, or 503 and its headers). */
function upgradeAnswer(): Promise<{ status: number; headers: IncomingMessage['headers'] }> {
  const socket = new HttpsClient(server.url, server.ca).websocket(AGENT_CONNECT_PATH, {
    origin: null,
  });
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      socket.terminate();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    });
    socket.once('upgrade', (response) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (socket.readyState !== socket.CLOSING) reject(error);
    });
  });
}

test('the admission rate is set on the admin listener, validated and audited', async () => {
  const conf = adminClient(server);
  const initial = (await conf.request('GET', '/conf/api/admission')).json(AdmissionView);
  assert.equal(initial.agentsPerSec, 50, 'the default is 50 per second');

  const refused = await setRate(0);
  assert.equal(refused.status, 422);
  assert.equal(ErrorBody.parse(JSON.parse(refused.text)).code, 'INVALID_INPUT');
  const unchanged = (await conf.request('GET', '/conf/api/admission')).json(AdmissionView);
  assert.equal(unchanged.agentsPerSec, 50, 'a bad rate changes nothing');

  const saved = await setRate(300);
  assert.equal(saved.status, 200, saved.text);
  assert.equal(AdmissionView.parse(JSON.parse(saved.text)).agentsPerSec, 300);
  const audit = (await server.admin.request('GET', '/api/v1/audit?action=settings.changed')).json(
    AuditPage,
  );
  const row = audit.entries.find((entry) => entry.target === 'admission');
  assert.ok(row, 'the change is audited');
  assert.equal(row.actor, 'admin');
});

test('tether admin admission shows and sets the rate headless; the running server picks it up', async () => {
  const admissionCli = (...args: string[]) =>
    runCli(['admin', 'admission', ...args, '--data-dir', server.dataDir]);
  const help = await runCli(['admin', 'admission', 'set', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--rate N/);

  const refused = await admissionCli('set', '--rate', '2.5');
  assert.notEqual(refused.code, 0);
  assert.match(`${refused.stderr}${refused.stdout}`, /whole number of agents per second/);

  const changed = await admissionCli('set', '--rate', '1200');
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stdout, /1200 connections per second/);
  assert.match((await admissionCli('show')).stdout, /1200 connections per second/);
  // The server re-reads its settings every few seconds (with the trusted networks).
  await waitFor('the server to apply the headless change', () =>
    server.server.context.admission.settings().agentsPerSec === 1200 ? true : undefined,
  );
});

test('an agent over the rate is answered 503 with when to come back, before any WebSocket', async () => {
  assert.equal((await setRate(1)).status, 200);
  const answers = [await upgradeAnswer(), await upgradeAnswer(), await upgradeAnswer()];
  assert.equal(answers[0]?.status, 101, 'the first one is admitted');
  const deferred = answers.slice(1);
  for (const answer of deferred) {
    assert.equal(answer.status, 503);
    assert.match(String(answer.headers['retry-after']), /^\d+$/);
    assert.ok(Number(answer.headers[RETRY_AFTER_MS_HEADER]) > 0);
  }
  assert.ok(
    Number(deferred[1]?.headers[RETRY_AFTER_MS_HEADER]) >
      Number(deferred[0]?.headers[RETRY_AFTER_MS_HEADER]),
    'each deferred agent gets its own, later slot',
  );
});

test('a reconnect storm larger than the rate: every agent comes online, none lost, and a technician signs in and opens a terminal meanwhile', async () => {
  // The technician's device, online before the storm.
  assert.equal((await setRate(1000)).status, 200);
  const terminalDevice = await server.startAgent();
  const { token } = await server.createInstaller({ maxInstalls: STORM_AGENTS });
  const dirs = await Promise.all(
    Array.from({ length: STORM_AGENTS }, async (_, index) => {
      const dataDir = join(dir, `agent-${index}`);
      await enrollAgent({ serverUrl: server.url, token, dataDir, log });
      return dataDir;
    }),
  );
  assert.equal((await setRate(RATE)).status, 200);
  const before = (await adminClient(server).request('GET', '/conf/api/admission')).json(
    AdmissionView,
  );

  // The real agent (control channel, TLS, handshake, backoff), all starting at once.
  const agents: AgentHandle[] = await Promise.all(
    dirs.map((dataDir) =>
      runAgent({
        dataDir,
        log,
        spareShell: false,
        userPresence: fixedUserPresence('absent'),
        platform: {
          osName: () => Promise.resolve('admission test device'),
          memory: () => Promise.resolve({ totalBytes: 2 ** 30, usedBytes: 2 ** 29 }),
          diskMounts: () => Promise.resolve(['/']),
          diskUsage: () => Promise.resolve({ totalBytes: 2 ** 36, usedBytes: 2 ** 35 }),
          cpuTimes: () => ({ busy: performance.now() / 10, total: performance.now() }),
          consoleUser: () => Promise.resolve(null),
        },
      }),
    ),
  );
  const stormStartedAt = performance.now();
  try {
    const online = async (): Promise<number> =>
      (await server.admin.request('GET', '/api/v1/devices'))
        .json(DeviceList)
        .devices.filter((device) => device.online).length;

    // A technician signs in and opens a terminal while the storm is held back.
    const technician = new HttpsClient(server.url, server.ca);
    const signedInAt = performance.now();
    const login = await technician.request('POST', '/api/v1/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    assert.equal(login.status, 200, login.text);
    const terminal = await openTerminal(technician, terminalDevice.device.id);
    terminal.type('echo "admitted-$((6 * 7))"\r');
    await terminal.waitForOutput(/admitted-42/);
    const technicianMs = performance.now() - signedInAt;
    const onlineThen = await online();
    await terminal.close();
    console.log(
      `technician: signed in and saw terminal output in ${Math.round(technicianMs)} ms, ${onlineThen - 1} of ${STORM_AGENTS} storm agents online then`,
    );
    assert.ok(onlineThen < STORM_AGENTS + 1, 'the terminal opened during the storm, not after it');

    await waitFor(
      'every agent of the storm online',
      async () => ((await online()) === STORM_AGENTS + 1 ? true : undefined),
      120_000,
    );
    const stormMs = performance.now() - stormStartedAt;
    const view = (await adminClient(server).request('GET', '/conf/api/admission')).json(
      AdmissionView,
    );
    const deferred = view.deferred - before.deferred;
    console.log(
      `storm: ${STORM_AGENTS} agents at ${RATE}/s all online in ${Math.round(stormMs)} ms, ${deferred} deferrals`,
    );
    assert.ok(deferred >= STORM_AGENTS / 2, `agents were held back (${deferred} deferrals)`);
    assert.ok(
      stormMs >= ((STORM_AGENTS - RATE) / RATE) * 1000 * 0.8,
      'the rate was kept: the storm took about as long as the rate makes it',
    );
  } finally {
    await Promise.all(agents.map((agent) => agent.stop()));
  }
});
