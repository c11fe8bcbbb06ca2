import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { RoleList } from '@tether/protocol';
import { newConsolePage, signIn } from '../../packages/console/test/support/browser.js';
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

const roleRow = (name: string) => admin.locator(`[data-testid="role-row"][data-role="${name}"]`);

async function navNames(page: Page): Promise<string[]> {
  return page.locator('.nav-links a').allInnerTexts();
}

test('an administrator makes a Helpdesk role from plain-worded permissions and gives it to a user', async () => {
  await admin.getByRole('link', { name: 'Users', exact: true }).click();
  await admin.getByTestId('users-roles').click();
  await roleRow('Auditor').waitFor();
  assert.match(await roleRow('Auditor').innerText(), /Read the audit log/);
  assert.equal(await roleRow('Auditor').getByTestId('role-edit').count(), 0, 'built-in: fixed');

  await admin.getByTestId('role-create-name').fill('Helpdesk');
  await admin.getByTestId('role-create-description').fill('First line support');
  assert.ok(await admin.getByTestId('role-permission-console.use').isDisabled(), 'always on');
  await admin.getByTestId('role-permission-devices.view').check();
  await admin.getByTestId('role-permission-sessions.open').check();
  await admin.getByTestId('role-create-submit').click();
  await roleRow('Helpdesk').waitFor();
  assert.match(await roleRow('Helpdesk').innerText(), /See devices, Open sessions/);
  await admin.screenshot({ path: `${ARTIFACTS}console-roles.png`, fullPage: true });

  // The user form offers the custom role beside the built-in ones.
  await admin.getByRole('link', { name: 'Users', exact: true }).click();
  const helpdesk = (await server.admin.request('GET', '/api/v1/roles'))
    .json(RoleList)
    .roles.find((role) => role.name === 'Helpdesk');
  assert.ok(helpdesk);
  await admin.getByTestId('user-username').fill('hana');
  await admin.getByTestId('user-role').selectOption(helpdesk.id);
  await admin.getByTestId('user-password').fill('hana-first-password');
  await admin.getByTestId('user-must-change').uncheck();
  await admin.getByTestId('user-create').click();
  const hanaRow = admin.locator('[data-testid="user-row"][data-username="hana"]');
  await hanaRow.waitFor();
  assert.match(await hanaRow.getByTestId('user-row-role').innerText(), /Helpdesk/);

  // Hana's console shows what her role allows, named by its name.
  const hana = await newConsolePage(browser, server.url);
  await signIn(hana, { username: 'hana', password: 'hana-first-password' });
  assert.equal(await hana.getByTestId('signed-in-role').innerText(), 'Helpdesk');
  assert.deepEqual(await navNames(hana), ['Devices', 'Ad-hoc', 'API reference']);

  // A role in use cannot be deleted: the page says how many users have it.
  await admin.getByTestId('users-roles').click();
  await roleRow('Helpdesk').getByTestId('role-delete').click();
  await roleRow('Helpdesk')
    .locator('xpath=following-sibling::tr[1]')
    .getByText(/1 user has it/)
    .waitFor();

  // Given the audit log, Hana sees it after a reload, without signing in again.
  await roleRow('Helpdesk').getByTestId('role-edit').click();
  await admin.getByTestId('role-edit-form').getByTestId('role-permission-audit.read').check();
  await admin.getByTestId('role-edit-submit').click();
  await roleRow('Helpdesk')
    .getByText(/Read the audit log/)
    .waitFor();
  await hana.reload();
  await hana.getByRole('link', { name: 'Audit log' }).waitFor();
  await hana.context().close();
});

test('an auditor sees policies, installers and settings, but every change is disabled with the reason', async () => {
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'aude',
    role: 'auditor',
    password: 'aude-first-password',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const aude = await newConsolePage(browser, server.url);
  await signIn(aude, { username: 'aude', password: 'aude-first-password' });
  assert.deepEqual(await navNames(aude), [
    'Devices',
    'Recordings',
    'Installers',
    'Policies',
    'Settings',
    'Audit log',
    'API reference',
  ]);
  await aude.getByRole('link', { name: 'Installers' }).click();
  await aude.getByTestId('installer-table').or(aude.getByText('No installers yet')).waitFor();
  assert.match(
    await aude.getByTestId('not-allowed').innerText(),
    /Your role \(Auditor\) does not allow this: make and revoke installers/,
  );
  await aude.getByRole('link', { name: 'Policies' }).click();
  await aude
    .getByTestId('not-allowed')
    .getByText(/change policies/)
    .waitFor();
  assert.equal(await aude.getByTestId('policy-new').count(), 0);
  await aude.getByRole('link', { name: 'Settings' }).click();
  await aude.getByTestId('statistics-form').waitFor();
  assert.equal(await aude.getByTestId('statistics-save').count(), 0);
  await aude
    .getByTestId('not-allowed')
    .getByText(/change server settings/)
    .waitFor();
  await aude.screenshot({ path: `${ARTIFACTS}console-auditor-settings.png` });
  await aude.context().close();
});
