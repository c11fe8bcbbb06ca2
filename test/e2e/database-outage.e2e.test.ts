import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  CreateInstallerResponse,
  CreateSessionResponse,
  DeviceList,
  ErrorBody,
} from '@tether/protocol';
import { startPostgres } from '../../packages/server/test/support/postgres.js';
import { runCli, startCli, stopProcess, waitFor } from '../support/cli.js';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { HttpsClient } from '../support/https-client.js';
import { freePort, startServerProcess } from '../support/server-process.js';
import { openTerminal } from '../support/terminal-client.js';

const PASSWORD = 'outage-test-password-1';
/** How long requests are sent (and refused) while PostgreSQL is down. */
const OUTAGE_MS = 10_000;
const RECOVERY_LIMIT_MS = 10_000;

test('with PostgreSQL stopped, sign-ins and sessions are refused with 503, the server keeps running, and it recovers by itself', async () => {
  const postgres = await startPostgres();
  const root = await mkdtemp(join(tmpdir(), 'tether-db-outage-'));
  const port = await freePort();
  const server = await startServerProcess({
    dataDir: join(root, 'data'),
    port,
    password: PASSWORD,
    database: postgres.url,
  });
  const { client } = server;
  let agent: ReturnType<typeof startCli> | undefined;
  try {
    await ensureDeviceGroup(client, 'Outage');
    const installer = (
      await client.request('POST', '/api/v1/installers', { group: 'Outage', validForSec: 3600 })
    ).json(CreateInstallerResponse);
    const agentDir = join(root, 'agent');
    const serverUrl = `https://localhost:${port}`;
    const enrolled = await runCli([
      'agent',
      'enroll',
      '--server',
      serverUrl,
      '--token',
      installer.token,
      '--data-dir',
      agentDir,
    ]);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    agent = startCli(['agent', 'run', '--data-dir', agentDir, '--log-level', 'warn']);
    const device = await waitFor('the device to come online', async () =>
      (await client.request('GET', '/api/v1/devices'))
        .json(DeviceList)
        .devices.find((candidate) => candidate.online),
    );
    const live = await openTerminal(client, device.id);
    live.type('echo "ready-$((6 * 7))"\r');
    await live.waitForOutput(/ready-42/).catch((error: unknown) => {
      throw new Error(
        `${String(error)}; the terminal showed:\n${live.output()}\nserver:\n${server.process.output().slice(-3000)}\nagent:\n${agent?.output()}`,
      );
    });
    const askSession = () =>
      client.request('POST', '/api/v1/sessions', {
        deviceId: device.id,
        kind: 'terminal',
        cols: 80,
        rows: 24,
      });
    const ca = await readFile(join(root, 'data', 'keys', 'tls-self-signed.crt'), 'utf8');
    // A fresh client each time: a technician signing in, with no session cookie yet.
    const signIn = () =>
      new HttpsClient(serverUrl, ca).request('POST', '/api/v1/auth/login', {
        username: 'admin',
        password: PASSWORD,
      });
    const ticket = (await askSession()).json(CreateSessionResponse);

    await postgres.halt();
    // The relay itself needs no database: the terminal opened before keeps working.
    live.type('echo "still-$((20 + 1))"\r');
    await live.waitForOutput(/still-21/).catch((error: unknown) => {
      throw new Error(`${String(error)}; the terminal showed:\n${live.output()}`);
    });
    // A ticket minted before the outage cannot be checked against the database now.
    const late = client.websocket(`${ticket.relay.path}?token=${ticket.relay.token}`);
    const lateClose = await new Promise<{ code: number; reason: string }>((resolve) =>
      late.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    assert.equal(lateClose.code, 4503, lateClose.reason);
    const statuses: number[] = [];
    const refusingSince = Date.now();
    while (Date.now() - refusingSince < OUTAGE_MS) {
      const [login, session] = await Promise.all([signIn(), askSession()]);
      statuses.push(login.status, session.status);
      for (const refused of [login, session]) {
        assert.equal(refused.status, 503, `refused, never allowed: ${refused.text}`);
        assert.equal(refused.headers['retry-after'], '5');
        assert.match(refused.json(ErrorBody).message, /cannot reach its database/);
      }
      assert.equal(server.process.exitCode, null, 'the server is still running');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(statuses.length >= 4, `${statuses.length} requests during the outage`);

    await postgres.resume();
    const resumedAt = Date.now();
    const recovered = await waitFor(
      'sign-ins and sessions to work again',
      async () => {
        const [login, session] = await Promise.all([signIn(), askSession()]);
        return login.status === 200 && session.status === 201 ? session : undefined;
      },
      RECOVERY_LIMIT_MS,
    );
    const recoveryMs = Date.now() - resumedAt;
    assert.ok(recoveryMs <= RECOVERY_LIMIT_MS, `recovered in ${recoveryMs} ms`);
    assert.equal(recovered.status, 201);
    // The agent stayed connected through the outage: a new terminal opens at once.
    const after = await openTerminal(client, device.id);
    after.type('echo "back-$((40 + 2))"\r');
    await after.waitForOutput(/back-42/);
    await after.close();
    await live.close();
    assert.equal(server.process.exitCode, null);
  } finally {
    if (agent) await stopProcess(agent);
    await stopProcess(server.process);
    await postgres.stop();
    await rm(root, { recursive: true, force: true });
  }
});
