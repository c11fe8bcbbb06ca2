import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { startHttpProxy, type HttpProxy } from '../support/http-proxy.js';
import { openTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let proxy: HttpProxy;

before(async () => {
  [server, proxy] = await Promise.all([createTestServer(), startHttpProxy()]);
});
after(async () => {
  await server.close();
  await proxy.stop();
});

test('an agent behind an HTTP proxy enrols, connects and serves a terminal through CONNECT tunnels', async () => {
  const port = new URL(server.url).port;
  const agent = await server.startAgent({
    env: { HTTPS_PROXY: proxy.url, NO_PROXY: '' },
    args: ['--no-spare-shell'],
  });
  const terminal = await openTerminal(server.admin, agent.device.id);
  terminal.type('echo "proxied-$((40 + 2))"\r');
  await terminal.waitForOutput(/proxied-42/);
  await terminal.close();
  const tunnels = (await proxy.tunnels()).filter((line) => line.endsWith(`:${port}`));
  // Enrolment, the control channel and the session relay each went through the proxy.
  assert.ok(tunnels.length >= 3, `tunnels through the proxy: ${tunnels.join(', ')}`);
});

test('NO_PROXY naming the server bypasses the proxy', async () => {
  const before = (await proxy.tunnels()).length;
  await server.startAgent({ env: { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } });
  assert.equal((await proxy.tunnels()).length, before);
});

test('a proxy that refuses the tunnel gets a clear error naming the proxy and what to ask for', async () => {
  const strict = await startHttpProxy({ connectPorts: [443] });
  const dataDir = await mkdtemp(join(tmpdir(), 'tether-agent-'));
  try {
    const { token } = await server.createInstaller();
    const enrolled = await runCli(
      ['agent', 'enroll', '--server', server.url, '--token', token, '--data-dir', dataDir],
      { env: { HTTPS_PROXY: strict.url, NO_PROXY: '' } },
    );
    assert.notEqual(enrolled.code, 0);
    assert.match(
      `${enrolled.stderr}${enrolled.stdout}`,
      /proxy at 127\.0\.0\.1:\d+ refused the tunnel to localhost:\d+ \(HTTP\/1\.[01] 403[^)]*\)\. Ask your network administrator to allow CONNECT/,
    );
  } finally {
    await strict.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
