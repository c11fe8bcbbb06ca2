import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SsoProviderList, UserList } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { adminClient } from '../support/admin-client.js';
import { startOidcProvider, type OidcTestProvider } from '../support/sso/oidc-idp.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const SECRET = 'console-typed-secret-5309';

let server: TestServer;
let idp: OidcTestProvider;
let browser: Browser;
let admin: Page;
let consoleUrl: string;

before(async () => {
  // A provider of the config file, shown read-only beside the console's.
  server = await createTestServer({
    config: {
      singleSignOn: {
        providers: [
          {
            kind: 'saml',
            id: 'from-file',
            label: 'From the file',
            entryPoint: 'https://idp.example.test/sso',
            idpCertificates: ['MIIC'.padEnd(60, 'A')],
          },
        ],
      },
    },
  });
  consoleUrl = server.server.context.publicUrl();
  idp = await startOidcProvider({
    clients: [
      {
        client_id: 'tether-console',
        client_secret: SECRET,
        redirect_uris: [`${consoleUrl}/api/v1/auth/sso/staff/callback`],
      },
    ],
    accounts: {
      erin: { preferred_username: 'erin', name: 'Erin Ops', groups: ['ops', 'staff'] },
    },
  });
  browser = await launchBrowser();
  admin = await newConsolePage(browser, consoleUrl);
  await mkdir(ARTIFACTS, { recursive: true });
  await signIn(admin, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await idp.close();
  await server.close();
});

test('an administrator adds an OpenID Connect provider in the admin console; its secret is never shown again', async () => {
  // Signed in on the user listener is signed in on the admin listener: a cookie names a host.
  await admin.goto(new URL('/conf/single-sign-on', server.adminUrl).href);
  await admin.getByTestId('sso-row').first().waitFor();
  const fileRow = admin.locator('[data-testid="sso-row"][data-provider="from-file"]');
  assert.match(await fileRow.innerText(), /Set in the config file/);
  assert.equal(await fileRow.getByTestId('sso-edit').count(), 0, 'read-only');

  await admin.getByTestId('sso-add-oidc').click();
  await admin.getByTestId('sso-field-id').fill('staff');
  await admin.getByTestId('sso-field-label').fill('Staff ID');
  await admin.getByTestId('sso-field-issuer').fill(idp.issuer);
  await admin.getByTestId('sso-field-clientId').fill('tether-console');
  await admin.getByTestId('sso-field-clientSecret').fill(SECRET);
  await admin.getByTestId('sso-field-scopes').fill('openid profile groups');
  await admin.getByTestId('mapping-add').click();
  await admin.getByTestId('mapping-group').fill('ops');
  await admin.getByTestId('mapping-role').selectOption('privileged');
  await admin.getByTestId('sso-save').click();

  const row = admin.locator('[data-testid="sso-row"][data-provider="staff"]');
  await row.waitFor();
  assert.equal(
    await row.getByTestId('sso-url-redirect-uri').innerText(),
    `${consoleUrl}/api/v1/auth/sso/staff/callback`,
  );
  await admin.screenshot({ path: `${ARTIFACTS}console-sso.png` });

  const listed = await adminClient(server).request('GET', '/conf/api/sso/providers');
  assert.ok(!listed.text.includes(SECRET), 'the API never returns the secret');
  const staff = listed.json(SsoProviderList).providers.find((e) => e.provider.id === 'staff');
  assert.ok(staff?.provider.kind === 'oidc' && staff.provider.hasClientSecret);

  // Editing without typing a secret keeps it: the test below still authenticates the client.
  await row.getByTestId('sso-edit').click();
  assert.equal(await admin.getByTestId('sso-field-clientSecret').inputValue(), '');
  await admin.getByTestId('sso-field-label').fill('Staff sign-in');
  await admin.getByTestId('sso-save').click();
  await row.getByText('Staff sign-in').waitFor();
});

test('the Test action runs the flow in a new tab and shows what the server saw in the admin console, signing nobody in', async () => {
  const row = admin.locator('[data-testid="sso-row"][data-provider="staff"]');
  const [tab] = await Promise.all([
    admin.context().waitForEvent('page'),
    row.getByTestId('sso-test').click(),
  ]);
  await tab.locator('input[name="login"]').fill('erin');
  await tab.locator('input[name="password"]').fill('any password');
  await tab.locator('button[type="submit"]').click();
  await tab.getByRole('button', { name: 'Continue' }).click();
  // Back from the provider on the user listener, the tab goes on to the admin console.
  const adminOrigin = new URL(server.adminUrl).origin;
  await tab.waitForURL(
    (url) => url.origin === adminOrigin && url.pathname === '/conf/single-sign-on',
    { timeout: 60_000 },
  );
  const result = tab.getByTestId('sso-test-result');
  await result.waitFor({ timeout: 60_000 });
  assert.equal(await tab.getByTestId('sso-test-username').innerText(), 'erin');
  assert.equal(await tab.getByTestId('sso-test-groups').innerText(), 'ops, staff');
  assert.match(await tab.getByTestId('sso-test-mapped').innerText(), /^privileged/);
  assert.match(await tab.getByTestId('sso-test-received').innerText(), /"name": "Erin Ops"/);
  await tab.screenshot({ path: `${ARTIFACTS}console-sso-test.png` });
  await tab.close();

  const users = (await server.admin.request('GET', '/api/v1/users')).json(UserList).users;
  assert.ok(!users.some((user) => user.username === 'erin'), 'a test signs nobody in');
});

test('a provider set in the config file cannot be changed or removed through the API', async () => {
  const removed = await adminClient(server).request('DELETE', '/conf/api/sso/providers/from-file');
  assert.equal(removed.status, 409);
  assert.match(removed.text, /set in the config file/);
});
