// The admin console's Maintenance section at /conf/maintenance on the admin listener.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AuditPage, MaintenanceSettings } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { adminClient } from '../support/admin-client.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let browser: Browser;
let page: Page;

before(async () => {
  server = await createTestServer();
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.adminUrl);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  await page.goto('/conf/maintenance');
  await page.getByTestId('maintenance-form').waitFor();
});
after(async () => {
  await browser.close();
  await server.close();
});

test('an administrator sets the lost and delete thresholds in the admin console; bad ones are refused, good ones saved and audited', async () => {
  assert.equal(await page.getByTestId('maintenance-lost-days').inputValue(), '30');
  assert.equal(await page.getByTestId('maintenance-delete-days').inputValue(), '', 'never');

  await page.getByTestId('maintenance-delete-days').fill('20');
  await page.getByTestId('maintenance-save').click();
  await page.getByText(/flagged lost before it is deleted/).waitFor();
  const unchanged = (await adminClient(server).request('GET', '/conf/api/maintenance')).json(
    MaintenanceSettings,
  );
  assert.equal(unchanged.deleteAfterDays, null, 'a refused change changes nothing');

  await page.getByTestId('maintenance-delete-days').fill('90');
  await page.getByTestId('maintenance-on-local-uninstall').selectOption('remove');
  await page.getByTestId('maintenance-restrict-uninstall').check();
  await page.getByTestId('maintenance-save').click();
  await page.getByText('Saved. Connected agents have their new deletion deadline.').waitFor();

  const saved = (await adminClient(server).request('GET', '/conf/api/maintenance')).json(
    MaintenanceSettings,
  );
  assert.deepEqual(saved, {
    lostAfterDays: 30,
    deleteAfterDays: 90,
    onLocalUninstall: 'remove',
    restrictLocalUninstall: true,
  });
  const audit = (
    await server.admin.request('GET', '/api/v1/audit?action=settings.changed&limit=5')
  ).json(AuditPage);
  const row = audit.entries.find((entry) => entry.target === 'maintenance');
  assert.equal(row?.details['deleteAfterDays'], 90);
});
