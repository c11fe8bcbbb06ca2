import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  AuditEntry,
  SsoProviderList,
  UserList,
  type SaveSsoProviderRequest,
} from '@tether/protocol';
import { z } from 'zod';
import { launchBrowser, newConsolePage } from '../../packages/console/test/support/browser.js';
import { startOidcProvider, type OidcTestProvider } from '../support/sso/oidc-idp.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { adminClient } from '../support/admin-client.js';

const CLIENT_SECRET = 'oidc-client-secret-never-shown-4711';

let server: TestServer;
let idp: OidcTestProvider;
let browser: Browser;
/** The console as the provider knows it: the server's public URL (localhost, not 127.0.0.1). */
let consoleUrl: string;

before(async () => {
  server = await createTestServer();
  consoleUrl = server.server.context.publicUrl();
  idp = await startOidcProvider({
    clients: [
      {
        client_id: 'tether',
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${consoleUrl}/api/v1/auth/sso/corp/callback`],
      },
    ],
    accounts: {
      ana: { preferred_username: 'ana', name: 'Ana Helpdesk', groups: ['helpdesk', 'staff'] },
      bob: { preferred_username: 'bob', name: 'Bob Marketing', groups: ['marketing'] },
    },
  });
  browser = await launchBrowser();
  const provider: SaveSsoProviderRequest = {
    kind: 'oidc',
    id: 'corp',
    label: 'Corp ID',
    issuer: idp.issuer,
    clientId: 'tether',
    clientSecret: CLIENT_SECRET,
    scopes: ['openid', 'profile', 'groups'],
    mapping: { rules: [{ group: 'helpdesk', role: 'technician' }] },
  };
  const saved = await adminClient(server).request('PUT', '/conf/api/sso/providers/corp', provider);
  assert.equal(saved.status, 200, saved.text);
});
after(async () => {
  await browser.close();
  await idp.close();
  await server.close();
});

/** Signs in at the test provider's own pages (login form, then consent). */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  const consent = page.getByRole('button', { name: 'Continue' });
  await consent.click();
}

async function userNamed(username: string) {
  const list = (await server.admin.request('GET', '/api/v1/users')).json(UserList);
  return list.users.find((user) => user.username === username);
}

test('the client secret is write-only: the API says only that one is set', async () => {
  const response = await adminClient(server).request('GET', '/conf/api/sso/providers');
  assert.ok(!response.text.includes(CLIENT_SECRET));
  const [entry] = response.json(SsoProviderList).providers;
  assert.ok(entry?.provider.kind === 'oidc' && entry.provider.hasClientSecret);
  assert.equal(entry.serviceProvider.redirectUri, `${consoleUrl}/api/v1/auth/sso/corp/callback`);
});

test('a mapped user signs in with OpenID Connect and is created as a technician', async () => {
  const page = await newConsolePage(browser, consoleUrl);
  try {
    await page.getByTestId('sso-button-corp').click();
    await page.waitForURL((url) => url.href.startsWith(idp.issuer));
    await signInAtProvider(page, 'ana');
    // Back on the console, signed in: the SameSite=Strict cookie set on the way back works.
    await page.getByTestId('signed-in-user').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('signed-in-user').innerText(), /Ana Helpdesk|ana/);
    const ana = await userNamed('ana');
    assert.ok(ana, 'the user was created at their first sign-in');
    assert.equal(ana.role, 'technician');
    assert.equal(ana.source, 'oidc');
    assert.equal(ana.displayName, 'Ana Helpdesk');
    // A reload keeps the session: the cookie is a real one, not a one-page state.
    await page.reload();
    await page.getByTestId('signed-in-user').waitFor();
  } finally {
    await page.context().close();
  }
});

test('a user none of whose groups is mapped is refused with the reason, and audited', async () => {
  const page = await newConsolePage(browser, consoleUrl);
  try {
    await page.getByTestId('sso-button-corp').click();
    await signInAtProvider(page, 'bob');
    const refusal = page.getByTestId('sso-error');
    await refusal.waitFor({ timeout: 60_000 });
    assert.match(await refusal.innerText(), /none of your groups is mapped/);
    assert.equal(await page.getByTestId('signed-in-user').count(), 0);
    assert.equal(await userNamed('bob'), undefined);
  } finally {
    await page.context().close();
  }
  const audit = await server.admin.request('GET', '/api/v1/audit?limit=20');
  const entries = audit.json(z.object({ entries: z.array(AuditEntry) })).entries;
  assert.ok(
    entries.some((entry) => entry.action === 'auth.login_failed' && entry.actor === 'bob'),
    'the refusal is in the audit log',
  );
});

test('a callback that no browser started here is refused (state bound to the browser)', async () => {
  const response = await server
    .client()
    .request('GET', '/api/v1/auth/sso/corp/callback?code=stolen-code&state=made-up-state');
  assert.equal(response.status, 200);
  assert.match(response.text, /expired or was started in another browser/);
  assert.doesNotMatch(response.headers['set-cookie']?.toString() ?? '', /tether_session=[^;]/);
});

test('starting with an unknown provider sends the browser back to the login page with the reason', async () => {
  const response = await server.client().request('GET', '/api/v1/auth/sso/nope/start');
  assert.equal(response.status, 302);
  assert.equal(response.headers.location, '/');
  // The reason travels in a cookie, never in the URL (a link cannot word our login page).
  const cookie = String(response.headers['set-cookie']);
  const reason = /tether_sso_error=([^;]*)/.exec(cookie)?.[1] ?? '';
  assert.match(decodeURIComponent(reason), /No single sign-on provider "nope"/);
});
