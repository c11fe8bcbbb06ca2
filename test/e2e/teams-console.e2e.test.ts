import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { GrantList } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let server: TestServer;
let browser: Browser;
let admin: Page;
let deviceId: string;

before(async () => {
  server = await createTestServer();
  deviceId = (await server.startAgent({ group: 'Servers' })).device.id;
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'tina',
    role: 'technician',
    password: 'tina-first-password',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  browser = await launchBrowser();
  admin = await newConsolePage(browser, server.url);
  admin.on('dialog', (dialog) => void dialog.accept());
  await signIn(admin, { username: 'admin', password: ADMIN_PASSWORD });
  await mkdir(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser.close();
  await server.close();
});

test('an administrator grants a team rights on a group; the technician sees only what they may do', async () => {
  await admin.getByRole('link', { name: 'Users' }).click();
  await admin.getByTestId('users-teams').click();
  await admin.getByText('No rights have been granted yet').waitFor();
  await admin.getByTestId('team-form-name').fill('Servers team');
  await admin.getByTestId('team-create').click();
  const card = admin.locator('[data-testid="team-card"][data-team="Servers team"]');
  await card.waitFor();
  await card.getByTestId('team-member-select').selectOption({ label: 'tina' });
  await card.getByTestId('team-member-add').click();
  await card.locator('[data-testid="team-members"] [data-username="tina"]').waitFor();
  await card.getByTestId('grant-group').fill('Servers');
  await card.getByTestId('grant-rights').locator('[data-right="terminal"]').check();
  await card.getByTestId('grant-add').click();
  await card.locator('[data-testid="grant-row"][data-group="Servers"]').waitFor();
  const grants = (await server.admin.request('GET', '/api/v1/grants?group=Servers')).json(
    GrantList,
  );
  assert.deepEqual(grants.grants[0]?.rights, ['device.view', 'terminal']);
  await admin.screenshot({ path: `${ARTIFACTS}console-teams.png`, fullPage: true });

  const tina = await newConsolePage(browser, server.url);
  await signIn(tina, { username: 'tina', password: 'tina-first-password' });
  await tina.goto(`${server.url}/devices/${deviceId}`);
  await tina.getByTestId('open-terminal').waitFor();
  assert.equal(await tina.getByTestId('open-terminal').isDisabled(), false);
  assert.equal(await tina.getByTestId('open-files').isDisabled(), true);
  assert.equal(
    await tina.getByTestId('open-files').getAttribute('title'),
    'You have no files right on group Servers.',
  );
  assert.equal(await tina.getByTestId('open-unattended').isDisabled(), true);
  assert.match(await tina.getByTestId('missing-rights').innerText(), /no desktop view right/);
  await tina.screenshot({ path: `${ARTIFACTS}console-device-rights.png` });

  // A right for her alone, besides her team's: files on the same group.
  const single = admin.getByTestId('user-grants');
  await single.getByTestId('user-grants-pick').selectOption({ label: 'tina' });
  const hers = single.locator('[data-testid="user-grants-of"][data-username="tina"]');
  await hers.getByTestId('grant-group').fill('Servers');
  await hers.getByTestId('grant-rights').locator('[data-right="files"]').check();
  await hers.getByTestId('grant-add').click();
  await hers.locator('[data-testid="grant-row"][data-group="Servers"]').waitFor();
  await waitFor('her Files button to be enabled', async () => {
    await tina.reload();
    await tina.getByTestId('open-files').waitFor();
    return (await tina.getByTestId('open-files').isDisabled()) ? undefined : true;
  });

  await hers.getByTestId('grant-revoke').click();
  await card.getByTestId('grant-revoke').click();
  await card.getByText('No rights on any device group yet.').waitFor();
  await hers.getByText('No rights on any device group yet.').waitFor();
  await tina.goto(`${server.url}/devices`);
  await waitFor('the device to leave her list', async () => {
    await tina.reload();
    await tina
      .getByTestId('device-name')
      .or(tina.getByText(/no devices/i))
      .first()
      .waitFor();
    return (await tina.getByTestId('device-name').count()) === 0 || undefined;
  });
});
