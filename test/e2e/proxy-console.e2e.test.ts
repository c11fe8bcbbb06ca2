// The admin console's Reverse proxy section (S-11) at /conf/proxy on the admin listener.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { AuditPage, ProxySettings } from '@tether/protocol';
import { adminClient } from '../support/admin-client.js';
import { HttpsClient } from '../support/https-client.js';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import { ADMIN_PASSWORD, type TestServer } from '../support/test-server.js';

/** The reverse proxy: it reaches the server from this loopback alias. */
const PROXY = '127.0.0.2';
/** A client that is not a proxy but writes X-Forwarded-For anyway. */
const DIRECT = '127.0.0.3';
const BROWSER = '198.51.100.23';
const FORGED = '203.0.113.7';

const UNCHANGED: ProxySettings = {
  behindProxy: false,
  trustedProxies: [],
  forwardedHeader: 'x-forwarded-for',
};

let server: TestServer;
let conf: HttpsClient;
let ui: SignedInConsole | undefined;
let page: Page;

const savedSettings = async (): Promise<ProxySettings> =>
  (await conf.request('GET', '/conf/api/proxy')).json(ProxySettings);

/** The newest entries of `action`, as the audit log recorded them. */
const audited = async (action: string) =>
  (await server.admin.request('GET', `/api/v1/audit?action=${action}&limit=5`)).json(AuditPage)
    .entries;

/** Signs in from `localAddress` with `headers`; returns the address the audit log recorded. */
async function signInSource(localAddress: string, headers: Record<string, string>) {
  const client = new HttpsClient(server.url, server.ca, localAddress);
  const login = await client.request(
    'POST',
    '/api/v1/auth/login',
    { username: 'admin', password: ADMIN_PASSWORD },
    headers,
  );
  assert.equal(login.status, 200, login.text);
  return (await audited('auth.login'))[0]?.sourceAddress;
}

before(async () => {
  ui = await signedInConsole({ listener: 'admin', path: '/conf/proxy', ready: 'proxy-form' });
  ({ server, page } = ui);
  conf = adminClient(server);
});
after(() => ui?.close());

test('a trusted proxy that is not an address is refused by name and nothing changes', async () => {
  assert.deepEqual(await savedSettings(), UNCHANGED);
  assert.match(
    (await page.getByTestId('proxy-agent-mode').textContent()) ?? '',
    /bind their proof to this server’s own TLS certificate/,
  );
  await page.getByTestId('proxy-trusted').fill('10.0.0.5\nproxy.example.com');
  await page.getByTestId('proxy-save').click();
  await page.getByRole('alert').getByText('"proxy.example.com" is not an IP address').waitFor();
  assert.deepEqual(await savedSettings(), UNCHANGED);
  assert.equal((await audited('settings.changed')).filter((e) => e.target === 'proxy').length, 0);
});

test('behind a proxy without a trusted proxy is refused, with what it would mean for agents shown first', async () => {
  await page.getByTestId('proxy-trusted').fill('');
  await page.getByTestId('proxy-behind').check();
  await page.getByText('Agents will no longer bind their proof').waitFor();
  await page.getByTestId('proxy-save').click();
  await page.getByRole('alert').getByText('Name the reverse proxy’s address').waitFor();
  assert.deepEqual(await savedSettings(), UNCHANGED);
});

test('a trusted proxy and behind a proxy are saved, explained for agents and audited', async () => {
  await page.getByTestId('proxy-trusted').fill(` ${PROXY} `);
  await page.getByTestId('proxy-save').click();
  await page
    .getByText('agents change how they check this server at their next connection')
    .waitFor();
  assert.match(
    (await page.getByTestId('proxy-agent-mode').textContent()) ?? '',
    /by its pinned key alone/,
  );
  assert.equal(await page.getByRole('alert').count(), 0, 'the earlier refusal is gone');
  assert.equal(await page.getByTestId('proxy-trusted').inputValue(), PROXY, 'shown as saved');
  const saved: ProxySettings = { ...UNCHANGED, behindProxy: true, trustedProxies: [PROXY] };
  assert.deepEqual(await savedSettings(), saved);

  const [change] = (await audited('settings.changed')).filter((e) => e.target === 'proxy');
  assert.ok(change, 'the change is audited');
  assert.equal(change.actor, 'admin');
  assert.deepEqual(change.details, { ...saved, previous: UNCHANGED });
});

test('from then on a request through the trusted proxy is audited with the forwarded address', async () => {
  assert.equal(await signInSource(PROXY, { 'x-forwarded-for': BROWSER }), BROWSER);
  // The proxy appends the peer it saw: a client's forged entry in front counts for nothing.
  assert.equal(await signInSource(PROXY, { 'x-forwarded-for': `${FORGED}, ${BROWSER}` }), BROWSER);
  // From anyone else the header is ignored.
  assert.equal(await signInSource(DIRECT, { 'x-forwarded-for': FORGED }), DIRECT);
});
