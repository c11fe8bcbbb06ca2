import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { handToInstalledAgent } from '@tether/agent/adhoc';
import {
  AdhocSessionList,
  CreateAdhocSessionResponse,
  DeviceList,
  ErrorBody,
  SupportDownload,
  type AdhocSession,
} from '@tether/protocol';
import { run } from '../../packages/server/test/support/agent-package-check.js';
import { waitFor } from '../support/cli.js';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { copyMinbaseRoot, minbaseUnavailable } from '../support/minbase-root.js';
import { openTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

/**
 * Ad-hoc sessions: a technician's code, the support portal, the one-time agent run from
 * its `.run` in a minimal Debian (no Node), the user's consent at its terminal, a terminal
 * session, and nothing left behind; codes refused when wrong, expired or used; an installed
 * agent taking the session when allowed.
 */
const skip = minbaseUnavailable();

let server: TestServer;
let work = '';

before(async () => {
  server = await createTestServer();
  work = await mkdtemp(join(tmpdir(), 'tether-adhoc-'));
  await ensureDeviceGroup(server.admin, 'Support');
});

after(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

async function createCode(body: Record<string, unknown> = {}): Promise<CreateAdhocSessionResponse> {
  const created = await server.admin.request('POST', '/api/v1/adhoc-sessions', {
    group: 'Support',
    ...body,
  });
  assert.equal(created.status, 201, created.text);
  return created.json(CreateAdhocSessionResponse);
}

/** The portal's answer to a code, from a client that is not signed in. */
async function redeem(code: string, localAddress = '127.0.0.1') {
  return server.client(localAddress).request('POST', '/api/v1/support/code', { code });
}

async function adhocSession(id: string): Promise<AdhocSession | undefined> {
  const list = (await server.admin.request('GET', '/api/v1/adhoc-sessions')).json(AdhocSessionList);
  return list.sessions.find((session) => session.id === id);
}

test(
  'code → portal → one-time agent in a Debian without Node → consented terminal session → nothing left installed',
  { skip, timeout: 420_000 },
  async (t) => {
    const created = await createCode({ validMinutes: 10 });
    assert.match(created.code, /^\d{9}$/);
    assert.equal(created.portalUrl, new URL('/support', server.url).href);
    assert.equal(created.session.state, 'waiting');

    // Typed the way a user reads it out: in groups, with spaces.
    const spaced = created.code.replace(/(\d{3})(?=\d)/g, '$1 ');
    const portal = await redeem(spaced);
    assert.equal(portal.status, 200, portal.text);
    const download = portal.json(SupportDownload);
    assert.equal(download.technician, 'admin');
    assert.match(download.command, /tether-support\.run/);
    const pin = /--pinnedpubkey '([^']+)'/.exec(download.command)?.[1] ?? '';
    const runFile = join(work, 'tether-support.run');
    await run('curl', ['-fsSL', '-k', '--pinnedpubkey', pin, '-o', runFile, download.runUrl]);

    const root = await copyMinbaseRoot();
    const runnerGroup: { pid?: number } = {};
    try {
      await copyFile(runFile, join(root.dir, 'tmp/tether-support.run'));
      const tmpBefore = await readdir(join(root.dir, 'tmp'));
      const started = Date.now();
      // As the portal says: with the code, so an installed agent could take over (there is none).
      assert.equal(download.runCommand, `sh tether-support.run --code ${created.code}`);
      const runner = root.start(['sh', '/tmp/tether-support.run', '--code', created.code]);
      runnerGroup.pid = runner.pid;
      const exited = new Promise<number | null>((resolve) => runner.once('exit', resolve));
      const session = await waitFor(
        'the one-time agent to take the code',
        async () => {
          if (runner.exitCode !== null) throw new Error(`it exited:\n${runner.output()}`);
          const current = await adhocSession(created.session.id);
          return current?.state === 'connected' ? current : undefined;
        },
        180_000,
      );
      assert.equal(session.isInstalledAgent, false);
      const deviceId = session.deviceId ?? '';
      await waitFor('the one-time device online', async () => {
        const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
        return list.devices.find((device) => device.id === deviceId && device.online);
      });
      t.diagnostic(`download → online: ${Date.now() - started} ms`);

      const terminal = await openTerminal(server.admin, deviceId);
      await waitFor('the consent question at the user’s terminal', () =>
        /admin asks to open a terminal session on this machine/.test(runner.output())
          ? true
          : undefined,
      );
      runner.stdin?.write('y\n');
      terminal.type('echo "adhoc-$((40 + 2))"\r');
      await terminal.waitForOutput(/adhoc-42/);
      await terminal.close();

      let deadline: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<never>((_resolve, reject) => {
          deadline = setTimeout(() => {
            reject(new Error(`the one-time agent did not exit; its output:\n${runner.output()}`));
          }, 120_000);
        }),
      ]).finally(() => clearTimeout(deadline));
      runner.stdin?.end();
      assert.equal(code, 0, runner.output());
      assert.match(runner.output(), /The session ended\. The one-time agent is removing itself\./);

      // Nothing installed, nothing left: the temporary folder is gone with the agent's identity.
      assert.deepEqual(await readdir(join(root.dir, 'tmp')), tmpBefore);
      assert.ok(!existsSync(join(root.dir, 'opt/tether-agent')));
      assert.ok(!existsSync(join(root.dir, 'var/lib/tether-agent')));
      assert.ok(!existsSync(join(root.dir, 'etc/systemd/system/tether-agent.service')));
      assert.doesNotMatch(await readFile(join(root.dir, 'etc/passwd'), 'utf8'), /^tether-agent:/m);

      const ended = await waitFor(
        'the ad-hoc session to end once its agent left',
        async () => {
          const current = await adhocSession(created.session.id);
          return current?.state === 'ended' ? current : undefined;
        },
        60_000,
      );
      assert.equal(ended.deviceId, deviceId);
      // The one-time device leaves the console with its session.
      await waitFor('the one-time device deleted', async () =>
        (await server.admin.request('GET', `/api/v1/devices/${deviceId}`)).status === 404
          ? true
          : undefined,
      );
      const again = await redeem(created.code);
      assert.equal(again.json(ErrorBody).code, 'CONFLICT');
    } finally {
      // Still running only when the test failed: stop it with everything it started.
      if (runnerGroup.pid) {
        try {
          process.kill(-runnerGroup.pid, 'SIGKILL');
        } catch {
          // already gone: it exited as it should
        }
      }
      await root.close();
    }
  },
);

test('the portal refuses wrong, expired and used codes, and a wrong download key', async () => {
  const wrong = await redeem('000000000', '127.0.0.2');
  // A code made now could be 000000000 one time in a billion: the test would only pass wrongly.
  assert.equal(wrong.json(ErrorBody).code, 'NOT_FOUND');
  assert.match(wrong.text, /Check the nine digits with your technician/);
  const malformed = await redeem('12345', '127.0.0.2');
  assert.equal(malformed.json(ErrorBody).code, 'INVALID_INPUT');

  const created = await createCode({ validMinutes: 1 });
  const ok = await redeem(created.code, '127.0.0.2');
  assert.equal(ok.status, 200, ok.text);
  const { runUrl } = ok.json(SupportDownload);
  const wrongKey = runUrl.replace(
    /\/support\/([^/]+)\/[^/]+\//,
    '/support/$1/' + 'A'.repeat(32) + '/',
  );
  const refused = await server.client('127.0.0.2').request('GET', new URL(wrongKey).pathname);
  assert.equal(refused.json(ErrorBody).code, 'NOT_FOUND');

  server.clock.advance(2 * 60_000);
  try {
    const expired = await redeem(created.code, '127.0.0.2');
    assert.equal(expired.json(ErrorBody).code, 'TOKEN_EXPIRED');
    assert.equal((await adhocSession(created.session.id))?.state, 'expired');
    const link = await server.client('127.0.0.2').request('GET', new URL(runUrl).pathname);
    assert.equal(link.json(ErrorBody).code, 'TOKEN_EXPIRED');
  } finally {
    server.clock.advance(-2 * 60_000);
  }

  const ended = await createCode();
  const removed = await server.admin.request(
    'DELETE',
    `/api/v1/adhoc-sessions/${ended.session.id}`,
  );
  assert.equal(removed.status, 204, removed.text);
  const used = await redeem(ended.code, '127.0.0.2');
  assert.equal(used.json(ErrorBody).code, 'CONFLICT');
  assert.equal((await adhocSession(ended.session.id))?.state, 'ended');
});

test('guessing codes from one address is slowed down with RATE_LIMITED', async () => {
  const created = await createCode();
  const answers: string[] = [];
  for (let attempt = 0; attempt < 7; attempt += 1) {
    answers.push((await redeem('111111111', '127.0.0.3')).json(ErrorBody).code);
  }
  assert.deepEqual(answers.slice(0, 5), Array(5).fill('NOT_FOUND'));
  assert.ok(answers.slice(5).includes('RATE_LIMITED'), answers.join(', '));
  // Even the right code waits; another address is not affected.
  assert.equal((await redeem(created.code, '127.0.0.3')).json(ErrorBody).code, 'RATE_LIMITED');
  assert.equal((await redeem(created.code, '127.0.0.4')).status, 200);
});

test('an installed agent of the same server takes the session when allowed, and only then', async () => {
  const agent = await server.startAgent({ group: 'Support' });
  const installDir = await mkdtemp(join(work, 'install-'));
  await writeFile(
    join(installDir, 'install.json'),
    JSON.stringify({
      format: 1,
      paths: {
        mode: 'user',
        installDir,
        dataDir: agent.dataDir,
        unitFile: join(installDir, 'unit'),
        logFile: join(installDir, 'log'),
      },
      version: '0.0.0-test',
      deviceId: agent.device.id,
      installedAt: new Date().toISOString(),
      isInPlace: false,
      hasCreatedAccount: false,
    }),
  );
  const handOver = (code: string) =>
    handToInstalledAgent({
      serverUrl: server.url,
      code,
      env: {},
      clock: server.clock,
      installDirs: [installDir],
    });

  const refused = await createCode({ allowInstalledAgent: false });
  const notUsed = await handOver(refused.code);
  assert.equal(notUsed.outcome, 'not-used');
  assert.match(
    'why' in notUsed ? (notUsed.why ?? '') : '',
    /did not allow this session through the agent installed here/,
  );
  assert.equal((await adhocSession(refused.session.id))?.state, 'waiting');

  const allowed = await createCode();
  const taken = await handOver(allowed.code);
  assert.deepEqual(taken, { outcome: 'taken', deviceId: agent.device.id, technician: 'admin' });
  const session = await adhocSession(allowed.session.id);
  assert.equal(session?.state, 'connected');
  assert.equal(session.isInstalledAgent, true);
  assert.equal(session.deviceId, agent.device.id);
  // The code is spent: neither the portal nor a second hand-over takes it again.
  assert.equal((await redeem(allowed.code, '127.0.0.5')).json(ErrorBody).code, 'CONFLICT');
  await assert.rejects(handOver(allowed.code), /already used/);

  // The technician's session goes to the installed agent's device.
  const terminal = await openTerminal(server.admin, agent.device.id);
  terminal.type('echo "installed-$((40 + 2))"\r');
  await terminal.waitForOutput(/installed-42/);
  await terminal.close();
  await agent.stop();
});
