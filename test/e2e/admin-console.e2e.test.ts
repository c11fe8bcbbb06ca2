import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { generate } from 'otplib';
import { TETHER_VERSION, TotpEnrolment, TrustedNetworks } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { HttpsClient } from '../support/https-client.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let browser: Browser;
let page: Page;
let agent: { stop(): Promise<void> } | undefined;

/** The admin listener's origin (the test server reports its `/conf` URL). */
const adminOrigin = () => new URL(server.adminUrl).origin;

/** A signed-in administrator's client on the admin listener. */
function adminListener(): HttpsClient {
  const client = new HttpsClient(adminOrigin(), server.ca);
  client.cookie = server.admin.cookie;
  return client;
}

const savedNetworks = async (): Promise<string[]> =>
  (await adminListener().request('GET', '/conf/api/trusted-networks')).json(TrustedNetworks)
    .networks;

before(async () => {
  server = await createTestServer();
  agent = await server.startAgent();
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.adminUrl);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await agent?.stop();
  await server.close();
});

test('an administrator signs in at the admin URL and the status shows the version and the devices online', async () => {
  assert.equal(new URL(page.url()).pathname, '/conf');
  await page.getByTestId('server-status').waitFor();
  assert.equal(await page.getByTestId('status-version').textContent(), TETHER_VERSION);
  assert.equal(await page.getByTestId('status-devices-online').textContent(), '1');
  assert.match(
    (await page.getByTestId('status-database').textContent()) ?? '',
    /^SQLite .*tether\.db/,
  );
  assert.match((await page.getByTestId('status-disk').textContent()) ?? '', /free of/);
  assert.match(
    (await page.getByTestId('status-listeners').textContent()) ?? '',
    /admin console: 127\.0\.0\.1:\d+/,
  );
  assert.equal(
    await page.getByTestId('admin-nav-status').getAttribute('aria-current'),
    'page',
    '/conf is the first section',
  );
});

test('the trusted-networks editor refuses a bad entry, changes nothing, then saves a good one, applied at once and audited', async () => {
  const stranger = new HttpsClient(adminOrigin(), server.ca, '127.0.0.3');
  assert.equal((await stranger.request('GET', '/conf')).status, 403, 'refused before');

  await page.getByTestId('admin-nav-trusted-networks').click();
  await page.waitForURL('**/conf/trusted-networks');
  await page.getByTestId('empty-state').waitFor();
  const entry = page.getByTestId('trusted-network-entry');
  await entry.fill('10.0.0.0/99');
  await page.getByTestId('trusted-network-add').click();
  const error = page.getByTestId('trusted-network-error');
  await error.waitFor();
  assert.match(
    (await error.textContent()) ?? '',
    /"10\.0\.0\.0\/99" is not an IP address or CIDR subnet/,
  );
  assert.deepEqual(await savedNetworks(), [], 'nothing was saved');

  await entry.fill('127.0.0.3/32');
  await page.getByTestId('trusted-network-add').click();
  await page.getByText('Added 127.0.0.3/32.').waitFor();
  assert.equal(await page.getByTestId('trusted-network').count(), 1);
  assert.deepEqual(await savedNetworks(), ['127.0.0.3/32']);
  assert.equal((await stranger.request('GET', '/conf')).status, 200, 'allowed at once');

  const audit = await server.server.context.store.audit.list({ limit: 1000 });
  const changes = audit.filter(
    (item) => item.action === 'settings.changed' && item.target === 'admin.trustedNetworks',
  );
  assert.equal(changes.length, 1, 'the refused entry is not a change');
  const [change] = changes;
  assert.ok(change);
  assert.equal(change.actor, 'admin');
  assert.deepEqual(change.details, { networks: ['127.0.0.3/32'] });

  // From the trusted network itself, a change that would shut the caller out is refused.
  stranger.cookie = server.admin.cookie;
  const lockOut = await stranger.request('PUT', '/conf/api/trusted-networks', { networks: [] });
  assert.equal(lockOut.status, 422, lockOut.text);
  assert.match(lockOut.text, /would lock you out: you are connecting from 127\.0\.0\.3/);
  assert.deepEqual(await savedNetworks(), ['127.0.0.3/32'], 'nothing changed');

  await page.getByTestId('trusted-network-remove-127.0.0.3/32').click();
  await page.getByText('Removed 127.0.0.3/32.').waitFor();
  assert.deepEqual(await savedNetworks(), []);
  assert.equal((await stranger.request('GET', '/conf')).status, 403, 'refused again');
});

test('a request from an address outside localhost and the trusted networks is refused and audited, page and API alike', async () => {
  const stranger = new HttpsClient(adminOrigin(), server.ca, '127.0.0.2');
  stranger.cookie = server.admin.cookie;
  for (const path of ['/conf', '/conf/status', '/conf/api/status', '/api/v1/auth/me']) {
    const response = await stranger.request('GET', path);
    assert.equal(response.status, 403, path);
    assert.match(response.text, /tether admin trusted-networks add/, path);
  }
  // Refusals from one source are summarised per minute: the first is written at once.
  const audit = await server.server.context.store.audit.list({ limit: 1000 });
  assert.ok(
    audit.some((item) => item.action === 'admin.refused' && item.sourceAddress === '127.0.0.2'),
  );
});

test('a user who must change their password does it at the admin URL, then sees the status', async () => {
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'ops',
    role: 'administrator',
    password: 'ops-first-password-1',
    mustChangePassword: true,
  });
  assert.equal(created.status, 201, created.text);
  const fresh = await newConsolePage(browser, `${adminOrigin()}/conf/trusted-networks`);
  try {
    await fresh.getByTestId('login-username').fill('ops');
    await fresh.getByTestId('login-password').fill('ops-first-password-1');
    await fresh.getByTestId('login-submit').click();
    await fresh.getByTestId('change-password-form').waitFor();
    await fresh.getByTestId('current-password').fill('ops-first-password-1');
    await fresh.getByTestId('new-password').fill('ops-own-password-12');
    await fresh.getByTestId('repeat-password').fill('ops-own-password-12');
    await fresh.getByTestId('change-password-submit').click();
    await fresh.getByTestId('signed-in-user').waitFor();
    // The location asked for before signing in is where the administrator lands.
    await fresh.getByRole('heading', { name: 'Trusted networks', exact: true }).waitFor();
    await fresh.getByTestId('admin-nav-status').click();
    assert.equal(await fresh.getByTestId('status-version').textContent(), TETHER_VERSION);
  } finally {
    await fresh.context().close();
  }
});

test('a sign-in with a second step (an authenticator code) completes at the admin URL', async () => {
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'sre',
    role: 'administrator',
    password: 'sre-password-12345',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const sre = server.client();
  assert.equal(
    (
      await sre.request('POST', '/api/v1/auth/login', {
        username: 'sre',
        password: 'sre-password-12345',
      })
    ).status,
    200,
  );
  const codeNow = (secret: string) =>
    generate({ secret, epoch: Math.floor(server.clock.now().getTime() / 1000) });
  const started = await sre.request('POST', '/api/v1/account/second-factors/totp');
  const { secret } = started.json(TotpEnrolment);
  const confirmed = await sre.request('POST', '/api/v1/account/second-factors/totp/confirm', {
    code: await codeNow(secret),
  });
  assert.equal(confirmed.status, 200, confirmed.text);
  server.clock.advance(30_000); // a code is accepted once: the next one

  const fresh = await newConsolePage(browser, server.adminUrl);
  try {
    await fresh.getByTestId('login-username').fill('sre');
    await fresh.getByTestId('login-password').fill('sre-password-12345');
    await fresh.getByTestId('login-submit').click();
    await fresh.getByTestId('sign-in-step').waitFor();
    await fresh.getByTestId('sign-in-step-code').fill(await codeNow(secret));
    await fresh.getByTestId('sign-in-step-submit').click();
    await fresh.getByTestId('signed-in-user').waitFor();
    assert.equal(await fresh.getByTestId('status-version').textContent(), TETHER_VERSION);
  } finally {
    await fresh.context().close();
  }
});

test('the user listener does not serve the admin console', async () => {
  for (const path of ['/conf', '/conf/status', '/conf/api/status']) {
    const response = await server.client().request('GET', path);
    assert.equal(response.status, 404, path);
  }
});
