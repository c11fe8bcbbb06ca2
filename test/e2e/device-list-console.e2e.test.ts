import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

// The console's device list against the server's query (issue 15): 120 devices in two groups,
// enrolled straight into the store; search, a filter, sorting, pages, selection and a live row.
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const DEVICES = 120;

let server: TestServer;
let browser: Browser;
let page: Page;
const ids: string[] = [];

before(async () => {
  server = await createTestServer();
  const { store } = server.server.context;
  for (const group of ['Lyon', 'Paris']) {
    const { installer } = await server.createInstaller({ group });
    for (let n = ids.length, end = ids.length + DEVICES / 2; n < end; n += 1) {
      const id = randomUUID();
      const result = await store.devices.enroll({
        installerId: installer.id,
        now: new Date(),
        device: {
          id,
          name: `pc-${String(n).padStart(3, '0')}`,
          publicKey: 'A'.repeat(43),
          inventory: {
            hostname: `host-${n}.lan`,
            os: { platform: 'linux', release: '6.1', name: 'Debian GNU/Linux 12', arch: 'x64' },
            agentVersion: '1.0.0',
          },
          enrolledAt: new Date(),
          tags: n % 10 === 0 ? ['kiosk'] : [],
        },
      });
      assert.ok(result.ok);
      ids.push(id);
    }
  }
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await mkdir(ARTIFACTS, { recursive: true });
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await server.close();
});

const range = () => page.getByTestId('device-page-range');
const names = () =>
  page.getByTestId('device-name').evaluateAll((links) => links.map((link) => link.textContent));

test('the list pages on the server, searches, filters and sorts', async () => {
  await page.getByRole('link', { name: 'Devices', exact: true }).click();
  await range().getByText('1–50 of 120').waitFor();
  await page.getByTestId('device-page-next').click();
  await range().getByText('51–100 of 120').waitFor();

  await page.getByTestId('device-search').fill('HOST-11');
  await range().getByText('1–11 of 11').waitFor();
  assert.deepEqual(await names(), [
    'pc-011',
    ...Array.from({ length: 10 }, (_, index) => `pc-${110 + index}`),
  ]);

  await page.getByTestId('device-search').fill('');
  await page.getByTestId('device-group-filter').selectOption('Paris');
  await page.getByTestId('device-tag-filter').fill('kiosk');
  await range().getByText('1–6 of 6').waitFor();
  await page.getByTestId('device-sort-name').click();
  await page.getByTestId('device-sort-name').click();
  await page.locator('th[aria-sort="descending"]').waitFor();
  await page.getByTestId('device-name').first().getByText('pc-110').waitFor();
  assert.deepEqual(await names(), ['pc-110', 'pc-100', 'pc-090', 'pc-080', 'pc-070', 'pc-060']);
  await page.screenshot({ path: `${ARTIFACTS}console-device-list.png` });
});

test('ticked devices get the bulk actions, and a row turns online live', async () => {
  const rows = page.getByTestId('device-row');
  await rows.nth(0).getByTestId('device-select').check();
  await rows.nth(1).getByTestId('device-select').check();
  await page.getByTestId('device-selected-count').getByText('2 selected').waitFor();
  await page.getByTestId('device-select-clear').click();
  await page.getByTestId('device-selected-count').waitFor({ state: 'detached' });

  // pc-110 is on the page; its agent "connects" (a link in the server's presence).
  const deviceId = ids[110] ?? '';
  const row = page.locator(`[data-testid="device-row"][data-device-id="${deviceId}"]`);
  assert.equal(await row.getAttribute('data-online'), 'false');
  server.server.context.presence.connect({
    deviceId,
    capabilities: [],
    userPresence: undefined,
    send: () => undefined,
    close: () => undefined,
  });
  await page.locator(`[data-device-id="${deviceId}"][data-online="true"]`).waitFor();
});
