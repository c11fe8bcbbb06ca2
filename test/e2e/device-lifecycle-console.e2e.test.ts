import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DeviceReply } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { waitFor } from '../support/cli.js';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let server: TestServer;
let browser: Browser;
let page: Page;

before(async () => {
  server = await createTestServer();
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await mkdir(ARTIFACTS, { recursive: true });
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await server.close();
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('an administrator renames, tags, describes and moves a device on its page, then deletes it: its agent uninstalls itself', async () => {
  const agent = await server.startAgent({ group: 'Console lobby' });
  await ensureDeviceGroup(server.admin, 'Console front desk');
  const { id, hostname } = agent.device;
  await page.goto(`${server.url}/devices/${id}`);
  await page.getByTestId('device-edit').click();
  await page.getByTestId('device-edit-name').fill('Kiosk 7');
  await page.getByTestId('device-edit-tags').fill('lobby,  kiosk, lobby');
  await page.getByTestId('device-edit-comments').fill('Left of the entrance');
  await page
    .getByTestId('device-edit-group')
    .locator('option', { hasText: 'Console front desk' })
    .waitFor({ state: 'attached' });
  await page.getByTestId('device-edit-group').selectOption('Console front desk');
  await page.getByTestId('device-edit-save').click();
  await page.getByRole('heading', { name: 'Kiosk 7' }).waitFor();
  await page.getByTestId('device-tags').getByText('kiosk').waitFor();
  assert.deepEqual(await page.getByTestId('device-tags').locator('.badge').allInnerTexts(), [
    'lobby',
    'kiosk',
  ]);
  await page.getByTestId('device-comments').getByText('Left of the entrance').waitFor();
  await page.getByTestId('device-group').getByText('Console front desk').waitFor();
  await page.screenshot({ path: `${ARTIFACTS}console-device-manage.png` });
  const saved = (await server.admin.request('GET', `/api/v1/devices/${id}`)).json(DeviceReply);
  assert.deepEqual(
    {
      name: saved.device.name,
      hostname: saved.device.hostname,
      tags: saved.device.tags,
      comments: saved.device.comments,
      group: saved.device.group,
    },
    {
      name: 'Kiosk 7',
      hostname,
      tags: ['lobby', 'kiosk'],
      comments: 'Left of the entrance',
      group: 'Console front desk',
    },
  );

  // A refused change says why and changes nothing.
  await page.getByTestId('device-edit').click();
  await page.getByTestId('device-edit-tags').fill('x'.repeat(80));
  await page.getByTestId('device-edit-save').click();
  await page.getByRole('alert').getByText(/tags/).waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();

  // The confirmation names the consequence; dismissing it deletes nothing.
  const questions: string[] = [];
  page.once('dialog', (dialog) => {
    questions.push(dialog.message());
    void dialog.dismiss();
  });
  await page.getByTestId('device-delete').click();
  await waitFor('the confirmation', () => questions[0]);
  assert.match(questions[0] ?? '', /online and will uninstall itself now/);
  assert.equal((await server.admin.request('GET', `/api/v1/devices/${id}`)).status, 200);

  // Another console with the device list open drops the device as soon as it is deleted.
  const list = await page.context().newPage();
  await list.goto(`${server.url}/devices`);
  await list.getByText('Kiosk 7').waitFor();

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByTestId('device-delete').click();
  await list.getByText('Kiosk 7').waitFor({ state: 'detached' });
  await list.close();
  await page.waitForURL(`${server.url}/devices`);
  assert.equal((await server.admin.request('GET', `/api/v1/devices/${id}`)).status, 404);
  await waitFor('the agent to exit', () => (isRunning(agent.pid) ? undefined : true), 120_000);
  assert.equal(existsSync(join(agent.dataDir, 'identity.pem')), false);
  await page.getByText('Kiosk 7').waitFor({ state: 'detached' });
});
