import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AuditPage, UserList, type User } from '@tether/protocol';
import { newConsolePage } from '../../packages/console/test/support/browser.js';
import { waitFor } from '../support/cli.js';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let server: TestServer;
let browser: Browser;
let ui: SignedInConsole | undefined;
let admin: Page;

before(async () => {
  ui = await signedInConsole();
  ({ server, browser, page: admin } = ui);
  admin.on('dialog', (dialog) => void dialog.accept());
  await mkdir(ARTIFACTS, { recursive: true });
});
after(() => ui?.close());

async function userNamed(username: string): Promise<User | undefined> {
  const list = (await server.admin.request('GET', '/api/v1/users')).json(UserList);
  return list.users.find((user) => user.username === username);
}

const row = (username: string) =>
  admin.locator(`[data-testid="user-row"][data-username="${username}"]`);

test('an administrator creates a technician, who must choose a password before using the console', async () => {
  await admin.getByRole('link', { name: 'Users' }).click();
  await admin.getByTestId('user-username').fill('tina');
  await admin.getByTestId('user-display-name').fill('Tina Tech');
  await admin.getByTestId('user-role').selectOption('technician');
  await admin.getByTestId('user-password').fill('tina-first-password');
  await admin.getByTestId('user-create').click();
  await row('tina').waitFor();
  assert.match(
    await row('tina').innerText(),
    /Tina Tech[\s\S]*Technician[\s\S]*must change password/,
  );

  await row('tina').getByRole('button', { name: 'Edit' }).click();
  await admin.getByTestId('user-edit-display-name').fill('Tina T.');
  await admin.getByTestId('user-panel-submit').click();
  await row('tina').getByText('Tina T.').waitFor();
  await admin.screenshot({ path: `${ARTIFACTS}console-users.png` });

  const tina = await newConsolePage(browser, server.url);
  await tina.getByTestId('login-username').fill('tina');
  await tina.getByTestId('login-password').fill('tina-first-password');
  await tina.getByTestId('login-submit').click();
  await tina.getByTestId('change-password-form').waitFor();
  await tina.getByTestId('current-password').fill('tina-first-password');
  await tina.getByTestId('new-password').fill('tina chose this one');
  await tina.getByTestId('repeat-password').fill('tina chose this one');
  await tina.getByTestId('change-password-submit').click();
  await tina.getByTestId('signed-in-user').waitFor();
  await tina.getByRole('link', { name: 'Devices' }).waitFor();
  assert.equal(await tina.getByRole('link', { name: 'Users' }).count(), 0, 'no Users for her');
  assert.equal((await userNamed('tina'))?.mustChangePassword, false);

  // Her own account: display name, and a wrong current password is refused with the reason.
  await tina.getByTestId('signed-in-user').click();
  await tina.getByTestId('account-display-name').fill('Tina Tester');
  await tina.getByTestId('account-save').click();
  await tina.getByTestId('signed-in-user').getByText('Tina Tester').waitFor();
  await tina.getByTestId('current-password').fill('not her password');
  await tina.getByTestId('new-password').fill('another long password');
  await tina.getByTestId('repeat-password').fill('another long password');
  await tina.getByTestId('change-password-submit').click();
  await tina
    .getByTestId('change-password-error')
    .getByText(/current password is wrong/)
    .waitFor();
  assert.equal((await userNamed('tina'))?.displayName, 'Tina Tester');

  // Disabled, her sign-in is gone: her next step in the console brings back the sign-in page.
  await row('tina').getByTestId('user-toggle').click();
  await row('tina').getByText('Disabled').waitFor();
  await tina.getByRole('link', { name: 'Recordings' }).click();
  await tina.getByTestId('login-form').waitFor();
  await tina.getByText(/Sign in again/).waitFor();
  await tina.context().close();
});

test('the last administrator cannot disable or delete themselves; the page says why', async () => {
  await row('admin').getByTestId('user-toggle').click();
  await admin
    .getByTestId('user-row-error')
    .getByText(/last enabled administrator/)
    .waitFor();
  await row('admin').getByTestId('user-delete').click();
  await admin
    .getByTestId('user-row-error')
    .getByText(/last enabled administrator/)
    .waitFor();
  const me = await userNamed('admin');
  assert.equal(me?.disabled, false);
});

test('an administrator resets a password and deletes a user after confirming', async () => {
  await row('tina').getByTestId('user-reset-password').click();
  await admin.getByTestId('user-new-password').fill('reset by the admin 7');
  await admin.getByTestId('user-panel-submit').click();
  await waitFor('the reset', async () => {
    const login = await server.client().request('POST', '/api/v1/auth/login', {
      username: 'tina',
      password: 'reset by the admin 7',
    });
    // Still disabled: the right password is refused with the reason.
    return /disabled/.test(login.text) ? true : undefined;
  });
  await row('tina').getByTestId('user-delete').click();
  await row('tina').waitFor({ state: 'detached' });
  assert.equal(await userNamed('tina'), undefined);
});

test('an administrator clears the sign-in delays of a user someone guessed at, and it is audited', async () => {
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'gus',
    password: 'gus-password-12345',
    role: 'technician',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const signIn = (source: string, password: string) =>
    server.client(source).request('POST', '/api/v1/auth/login', { username: 'gus', password });
  // One failure from each of many addresses, until the account's ceiling holds.
  for (let i = 1; ; i++) {
    if ((await signIn(`127.0.5.${i}`, `guess-${i}`)).status === 429) break;
    assert.ok(i < 30, 'the ceiling holds within 20 failures');
  }
  assert.equal((await signIn('127.0.6.1', 'gus-password-12345')).status, 429, 'held off');

  await admin.reload();
  await row('gus').getByTestId('user-sign-ins').click();
  await admin.getByTestId('user-clear-sign-in-delays').click();
  await admin.getByText('Sign-in delays for gus cleared.').waitFor();
  await waitFor('gus to sign in from a new address', async () =>
    (await signIn('127.0.6.1', 'gus-password-12345')).status === 200 ? true : undefined,
  );
  const audit = await server.admin.request('GET', '/api/v1/audit?action=auth.unlocked&limit=5');
  const entry = audit.json(AuditPage).entries[0];
  assert.equal(entry?.target, 'gus');
  assert.equal(entry.actor, 'admin');
});
