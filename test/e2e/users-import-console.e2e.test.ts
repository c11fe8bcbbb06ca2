import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { UserList } from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import type { HttpsClient } from '../support/https-client.js';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import { ADMIN_PASSWORD, type TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let server: TestServer;
let ui: SignedInConsole | undefined;
let admin: Page;

before(async () => {
  ui = await signedInConsole();
  ({ server, page: admin } = ui);
  await mkdir(ARTIFACTS, { recursive: true });
});
after(() => ui?.close());

async function usernames(): Promise<string[]> {
  const list = (await server.admin.request('GET', '/api/v1/users')).json(UserList);
  return list.users.map((user) => user.username);
}

async function apiSignIn(username: string, password: string): Promise<HttpsClient> {
  const client = server.client();
  const login = await client.request('POST', '/api/v1/auth/login', { username, password });
  assert.equal(login.status, 200, login.text);
  return client;
}

const importRow = (username: string) =>
  admin
    .getByTestId('import-row')
    .filter({ has: admin.getByRole('cell', { name: username, exact: true }) });

test('an administrator uploads a CSV, previews it (nothing created), then imports it', async () => {
  await admin.getByRole('link', { name: 'Users' }).click();
  await admin.getByTestId('import-users-open').click();
  const csv = [
    'username,display name,role,password',
    'nia,Nia Noor,technician,',
    'oli,Oli Ortiz,privileged,oli-initial-password',
    'pat,,boss,',
  ].join('\n');
  await admin.getByTestId('import-file').setInputFiles({
    name: 'team.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await admin.getByTestId('import-preview').click();
  await admin.getByTestId('import-result').waitFor();
  assert.match(
    await admin.getByTestId('import-counts').innerText(),
    /2 created, 0 updated, 0 unchanged, 1 refused \(would be\)/,
  );
  assert.equal(await importRow('pat').getAttribute('data-outcome'), 'refused');
  assert.match(await importRow('pat').innerText(), /there is no role "boss": use administrator/);
  assert.ok(!(await usernames()).includes('nia'), 'a preview creates nobody');

  await admin.getByTestId('import-apply').click();
  await admin.getByTestId('import-passwords').waitFor();
  assert.match(
    await admin.getByTestId('import-counts').innerText(),
    /^2 created, 0 updated, 0 unchanged, 1 refused\./,
  );
  const password = (await importRow('nia').locator('code').innerText()).trim();
  assert.equal(password.length, 20);
  assert.equal((await importRow('oli').locator('code').innerText()).trim(), '', 'given: not shown');
  assert.ok(
    !(await admin.getByTestId('import-users').innerText()).includes('oli-initial-password'),
  );
  await admin.locator('[data-testid="user-row"][data-username="nia"]').waitFor();
  await admin.screenshot({ path: `${ARTIFACTS}console-users-import.png`, fullPage: true });
  await apiSignIn('nia', password);

  // The edit panel lifts (or sets) "must change the password".
  const oli = admin.locator('[data-testid="user-row"][data-username="oli"]');
  await oli.getByRole('button', { name: 'Edit' }).click();
  await admin.getByTestId('user-edit-must-change').uncheck();
  await admin.getByTestId('user-panel-submit').click();
  await oli.getByText('must change password').waitFor({ state: 'detached' });
  const users = (await server.admin.request('GET', '/api/v1/users')).json(UserList).users;
  assert.equal(users.find((user) => user.username === 'oli')?.mustChangePassword, false);
});

test('My account lists the sign-ins and signs out everywhere else; an administrator signs a user out', async () => {
  const elsewhere = await apiSignIn('admin', ADMIN_PASSWORD);
  await admin.getByTestId('signed-in-user').click();
  const list = admin.getByTestId('account-sign-ins');
  await list.getByTestId('sign-in-row').nth(1).waitFor();
  assert.equal(await list.locator('[data-testid="sign-in-row"][data-current="true"]').count(), 1);
  assert.match(await list.locator('[data-current="true"]').innerText(), /This browser/);
  await list.getByTestId('sign-in-end-all').click();
  await list.getByText(/sign-ins? ended/).waitFor();
  assert.equal((await elsewhere.request('GET', '/api/v1/auth/me')).status, 401);
  assert.equal(
    (await server.admin.request('GET', '/api/v1/auth/me')).status,
    401,
    'the harness login too',
  );
  // The notice shows at once; the list reloads after it.
  await waitFor('only this browser to be left in the list', async () =>
    (await list.getByTestId('sign-in-row').count()) === 1 ? true : undefined,
  );

  const created = await apiSignIn('admin', ADMIN_PASSWORD);
  await created.request('POST', '/api/v1/users', {
    username: 'quinn',
    role: 'technician',
    password: 'quinn-password-123',
    mustChangePassword: false,
  });
  const quinn = await apiSignIn('quinn', 'quinn-password-123');
  await admin.getByRole('link', { name: 'Users' }).click();
  const row = admin.locator('[data-testid="user-row"][data-username="quinn"]');
  await row.getByTestId('user-sign-ins').click();
  const panel = admin.getByTestId('user-sign-ins-panel');
  await panel.getByTestId('sign-in-row').waitFor();
  await panel.getByTestId('sign-in-end-all').click();
  await panel.getByText('quinn is not signed in anywhere.').waitFor();
  assert.equal((await quinn.request('GET', '/api/v1/auth/me')).status, 401);
});
