import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AdhocSessionList } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

/**
 * Ad-hoc sessions in the browser: the technician makes a code on the console's Ad-hoc
 * page, the user (not signed in) enters it on the support portal and gets the one-time agent,
 * and the technician ends the session.
 */
let server: TestServer;
let browser: Browser;
let technician: Page;

before(async () => {
  server = await createTestServer();
  await ensureDeviceGroup(server.admin, 'Support');
  browser = await launchBrowser();
  technician = await newConsolePage(browser, server.url);
  await signIn(technician, { username: 'admin', password: ADMIN_PASSWORD });
});

after(async () => {
  await browser.close();
  await server.close();
});

test('a code made on the Ad-hoc page opens the one-time agent on the support portal, once', async () => {
  await technician.getByRole('link', { name: 'Ad-hoc' }).click();
  const picker = technician.getByTestId('adhoc-group');
  await picker.locator('option', { hasText: 'Support' }).waitFor({ state: 'attached' });
  await picker.selectOption('Support');
  await technician.getByRole('button', { name: 'Create code' }).click();
  const code = (await technician.getByTestId('adhoc-code').innerText()).trim();
  assert.match(code, /^\d{3} \d{3} \d{3}$/);
  assert.match(
    await technician.getByTestId('adhoc-created').innerText(),
    new RegExp(`${server.url}/support`),
  );

  // The user: a browser that never signed in.
  const user = await newConsolePage(browser, server.url);
  await user.goto(`${server.url}/support`);
  await user
    .getByRole('textbox', { name: 'The code your technician gave you' })
    .fill('999 999 999');
  await user.getByRole('button', { name: 'Continue' }).click();
  await user.getByText('No support session has this code').waitFor();
  await user.getByRole('textbox', { name: 'The code your technician gave you' }).fill(code);
  await user.getByRole('button', { name: 'Continue' }).click();
  const steps = user.getByTestId('support-steps');
  await steps.waitFor();
  assert.match(await steps.innerText(), /admin will help you/);
  const command = await user.getByTestId('support-command').innerText();
  assert.match(command, /\/support\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{32}\/tether-support\.run/);
  const link = await user
    .getByRole('link', { name: 'Download the one-time agent' })
    .getAttribute('href');
  assert.ok(link && command.includes(link), 'the command downloads the linked file');
  await user.context().close();

  // The technician sees it waiting, ends it, and the code no longer works.
  await technician.getByRole('button', { name: 'Done' }).click();
  const row = technician.locator('[data-testid=adhoc-sessions] tbody tr').first();
  await row.locator('xpath=self::*[@data-state="waiting"]').waitFor();
  await row.getByRole('button', { name: 'End' }).click();
  await technician.locator('[data-testid=adhoc-sessions] tbody tr[data-state=ended]').waitFor();
  const list = (await server.admin.request('GET', '/api/v1/adhoc-sessions')).json(AdhocSessionList);
  assert.equal(list.sessions[0]?.state, 'ended');
  const again = await server.client('127.0.0.6').request('POST', '/api/v1/support/code', { code });
  assert.equal(again.status, 409, again.text);
});
