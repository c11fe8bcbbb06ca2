// Statistics settings per device group on the console's settings page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { GroupStatisticsList } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let browser: Browser;
let page: Page;

before(async () => {
  server = await createTestServer();
  const created = await server.admin.request('POST', '/api/v1/device-groups', { name: 'Kiosks' });
  assert.equal(created.status, 201, created.text);
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});

after(async () => {
  await browser.close();
  await server.close();
});

async function overrides() {
  return (await server.admin.request('GET', '/api/v1/settings/statistics/groups')).json(
    GroupStatisticsList,
  ).groups;
}

test('an administrator gives a group its own statistics settings on the settings page, then returns it to the fleet’s', async () => {
  await page.goto('/settings');
  const panel = page.getByTestId('group-statistics');
  await panel.getByText('Every group follows the fleet-wide settings.').waitFor();

  await page.getByTestId('group-statistics-group').selectOption({ label: 'Kiosks' });
  await page.getByTestId('group-statistics-interval').fill('300');
  await page.getByTestId('group-statistic-memory').click();
  await page.getByTestId('group-statistics-save').click();
  await panel.getByText('Saved for Kiosks').waitFor();
  await page
    .getByTestId('group-statistics-Kiosks')
    .getByText('every 300 s: Memory use, Uptime')
    .waitFor();
  const [saved] = await overrides();
  assert.equal(saved?.groupName, 'Kiosks');
  assert.deepEqual(saved.settings, { intervalSec: 300, enabled: ['memory', 'uptime'] });

  await page.getByTestId('group-statistics-remove-Kiosks').click();
  await panel.getByText('Every group follows the fleet-wide settings.').waitFor();
  assert.deepEqual(await overrides(), []);
});
