import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AuditPage, ProxySettings } from '@tether/protocol';
import { runCli, startCli, stopProcess, waitFor } from '../support/cli.js';
import { startHaproxy, type ReverseProxy } from '../support/haproxy.js';
import { HttpsClient } from '../support/https-client.js';
import { openTerminal } from '../support/terminal-client.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

/** Browsers reach HAProxy from this address; HAProxy reaches the server from 127.0.0.1. */
const BROWSER = '127.0.0.2';
/** A client that talks to the server directly and forges X-Forwarded-For. */
const DIRECT = '127.0.0.3';
const FORGED = '203.0.113.7';

let server: TestServer;
let proxy: ReverseProxy;

before(async () => {
  server = await createTestServer({ config: { trustedProxies: ['127.0.0.1'] } });
  proxy = await startHaproxy({ serverUrl: server.url, serverCert: server.ca });
});
after(async () => {
  await proxy.stop();
  await server.close();
});

async function signIn(client: HttpsClient, headers: Record<string, string> = {}): Promise<void> {
  const login = await client.request(
    'POST',
    '/api/v1/auth/login',
    { username: 'admin', password: ADMIN_PASSWORD },
    headers,
  );
  assert.equal(login.status, 200, login.text);
}

/** The newest sign-in's source address, as the audit log recorded it. */
async function lastSignInSource(): Promise<string | null> {
  const page = (await server.admin.request('GET', '/api/v1/audit?action=auth.login&limit=1')).json(
    AuditPage,
  );
  return page.entries[0]?.sourceAddress ?? null;
}

/** The administrator's client on the admin listener (never behind the proxy). */
function adminListener(): HttpsClient {
  const client = new HttpsClient(server.adminUrl, server.ca);
  client.cookie = server.admin.cookie;
  return client;
}

async function setProxySettings(settings: ProxySettings): Promise<void> {
  const saved = await adminListener().request('PUT', '/conf/api/proxy', settings);
  assert.equal(saved.status, 200, saved.text);
}

test('an agent enrolling through a TLS-terminating proxy is refused with what to do while the server is not marked behind a proxy', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tether-agent-'));
  try {
    const { token } = await server.createInstaller();
    const enrolled = await runCli([
      'agent',
      'enroll',
      '--server',
      proxy.url,
      '--token',
      token,
      '--data-dir',
      dataDir,
    ]);
    assert.notEqual(enrolled.code, 0);
    assert.match(
      `${enrolled.stderr}${enrolled.stdout}`,
      /invalid signature for this TLS connection.*mark the server as behind a proxy.*tether admin proxy set --behind-proxy on/s,
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('an agent enrolled directly and then pointed at the proxy is refused with what to do while the server is not marked behind a proxy', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tether-agent-'));
  const { token } = await server.createInstaller();
  const enrolled = await runCli([
    'agent',
    'enroll',
    '--server',
    server.url,
    '--token',
    token,
    '--data-dir',
    dataDir,
  ]);
  assert.equal(enrolled.code, 0, enrolled.stderr);
  const configFile = join(dataDir, 'agent.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, JSON.stringify({ ...config, serverUrl: proxy.url }));
  const agent = startCli(['agent', 'run', '--data-dir', dataDir, '--no-spare-shell']);
  try {
    await waitFor('the agent to report the refused proof', () =>
      /pinned key for this TLS connection.*mark the server as behind a proxy/s.test(agent.output())
        ? true
        : undefined,
    );
  } finally {
    await stopProcess(agent);
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a sign-in through the proxy is audited with the browser’s address from X-Forwarded-For, even with a forged one in front', async () => {
  await signIn(new HttpsClient(proxy.url, proxy.cert, BROWSER));
  assert.equal(await lastSignInSource(), BROWSER);
  // HAProxy adds its own X-Forwarded-For after the client's: the right-most untrusted one counts.
  await signIn(new HttpsClient(proxy.url, proxy.cert, BROWSER), { 'x-forwarded-for': FORGED });
  assert.equal(await lastSignInSource(), BROWSER);
});

test('forwarded headers from a client that is not a trusted proxy are ignored', async () => {
  const direct = new HttpsClient(server.url, server.ca, DIRECT);
  await signIn(direct, { 'x-forwarded-for': FORGED, forwarded: `for=${FORGED}` });
  assert.equal(await lastSignInSource(), DIRECT);
});

test('behind a proxy, an agent enrols and serves a terminal through HAProxy, and the change is audited', async () => {
  const settings: ProxySettings = {
    behindProxy: true,
    trustedProxies: ['127.0.0.1'],
    forwardedHeader: 'x-forwarded-for',
  };
  await setProxySettings(settings);
  const read = await adminListener().request('GET', '/conf/api/proxy');
  assert.deepEqual(read.json(ProxySettings), settings);
  const changes = (
    await server.admin.request('GET', '/api/v1/audit?action=settings.changed&limit=5')
  ).json(AuditPage);
  assert.ok(
    changes.entries.some((entry) => entry.target === 'proxy' && entry.details.behindProxy === true),
    'the change is audited',
  );

  const agent = await server.startAgent({ serverUrl: proxy.url, args: ['--no-spare-shell'] });
  const browser = new HttpsClient(proxy.url, proxy.cert, BROWSER);
  await signIn(browser);
  const terminal = await openTerminal(browser, agent.device.id);
  terminal.type('echo "behind-$((40 + 2))"\r');
  await terminal.waitForOutput(/behind-42/);
  await terminal.close();
});

test('an invalid proxy address is refused with its name and nothing changes', async () => {
  const before = (await adminListener().request('GET', '/conf/api/proxy')).json(ProxySettings);
  const refused = await adminListener().request('PUT', '/conf/api/proxy', {
    ...before,
    trustedProxies: ['127.0.0.1', '10.0.0.0/33'],
  });
  assert.equal(refused.status, 422, refused.text);
  assert.match(refused.text, /10\.0\.0\.0\/33/);
  const after = (await adminListener().request('GET', '/conf/api/proxy')).json(ProxySettings);
  assert.deepEqual(after, before);
});

test('tether admin proxy shows and changes the settings headless; the running server picks them up', async () => {
  const proxyCli = (...args: string[]) =>
    runCli(['admin', 'proxy', ...args, '--data-dir', server.dataDir]);
  const help = await runCli(['admin', 'proxy', 'set', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--behind-proxy on\|off/);

  const refused = await proxyCli('set', '--trusted-proxies', '127.0.0.1,not-an-address');
  assert.notEqual(refused.code, 0);
  assert.match(`${refused.stderr}${refused.stdout}`, /"not-an-address" is not an IP address/);

  const changed = await proxyCli('set', '--behind-proxy', 'off', '--forwarded-header', 'forwarded');
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(changed.stdout, /behind a proxy: +no/);
  assert.match(changed.stdout, /trusted proxies: +127\.0\.0\.1/);
  const shown = await proxyCli('show');
  assert.match(shown.stdout, /forwarded header: forwarded/);

  // The server re-reads the settings with the trusted networks (every few seconds).
  await waitFor('the server to apply the headless change', () =>
    server.server.context.proxy.settings().forwardedHeader === 'forwarded' ? true : undefined,
  );
  assert.equal(server.server.context.proxy.behindProxy(), false);
  // Now only RFC 7239 Forwarded counts: HAProxy's X-Forwarded-For is ignored, so the sign-in
  // is the proxy's own (HAProxy writes no Forwarded header here).
  await signIn(new HttpsClient(proxy.url, proxy.cert, BROWSER));
  assert.equal(await lastSignInSource(), '127.0.0.1');
});
