import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { AuditPage, type AuditEntry, type Device } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { renameDeviceInDatabase } from '../../packages/server/test/support/database-sql.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let server: TestServer;
let browser: Browser;
let page: Page;
let work = '';
const devices: Device[] = [];
const agents: { stop(): Promise<void> }[] = [];

before(async () => {
  server = await createTestServer();
  work = await mkdtemp(join(tmpdir(), 'tether-audit-console-'));
  for (let i = 0; i < 2; i += 1) {
    const agent = await server.startAgent();
    agents.push(agent);
    devices.push(agent.device);
  }
  // Agents on one machine enrol under one hostname; a renamed device tells them apart by name.
  const first = devices[0];
  assert.ok(first);
  await renameDeviceInDatabase(`sqlite:${server.dataDir}/tether.db`, first.id, 'front-desk');
  devices[0] = { ...first, name: 'front-desk' };
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  for (const agent of agents) await agent.stop();
  await server.close();
  await rm(work, { recursive: true, force: true });
});

async function apiList(query: string): Promise<AuditEntry[]> {
  const response = await server.admin.request('GET', `/api/v1/audit?limit=50&${query}`);
  return response.json(AuditPage).entries;
}

test('the audit page filters by a device picked by name, keeps it in the URL, and downloads that view as CSV', async () => {
  const [device, other] = devices;
  assert.ok(device && other);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.locator(`[data-testid=audit-row][data-device-id="${other.id}"]`).first().waitFor();

  await page.getByTestId('audit-filter-device').selectOption({ label: device.name });
  // pushState: no page load to wait for, the URL changes in place.
  await page.waitForFunction(
    (id) => new URLSearchParams(window.location.search).get('device') === id,
    device.id,
  );
  const expected = await apiList(`device=${device.id}`);
  assert.ok(expected.length >= 2, 'enrolled and connected');
  const rows = page.getByTestId('audit-row');
  await page.waitForFunction(
    ({ count, id }) => {
      const shown = Array.from(document.querySelectorAll('[data-testid=audit-row]'));
      return (
        shown.length === count && shown.every((row) => row.getAttribute('data-device-id') === id)
      );
    },
    { count: expected.length, id: device.id },
  );
  for (const text of await rows.getByTestId('audit-device').allInnerTexts())
    assert.equal(text, device.name, 'the device is shown by name');
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}console-audit.png` });

  const downloading = page.waitForEvent('download');
  await page.getByTestId('audit-export-csv').click();
  const download = await downloading;
  assert.match(download.suggestedFilename(), /^tether-audit-[\dT-]+\.csv$/);
  const file = join(work, 'audit.csv');
  await download.saveAs(file);
  const [header, ...csvRows]: string[][] = parse(await readFile(file, 'utf8'));
  const column = (name: string) => header?.indexOf(name) ?? -1;
  assert.deepEqual(
    csvRows.map((row) => Number(row[column('id')])),
    expected.map((entry) => entry.id),
  );
  assert.ok(csvRows.every((row) => row[column('device')] === device.name));

  // The URL is the view: opened elsewhere, it shows the same filter.
  const shared = await browser.newPage({ ignoreHTTPSErrors: true });
  await shared.context().addCookies(await page.context().cookies());
  await shared.goto(page.url());
  await shared.getByTestId('audit-row').first().waitFor();
  assert.equal(await shared.getByTestId('audit-filter-device').inputValue(), device.id);
  assert.equal(await shared.getByTestId('audit-row').count(), expected.length);
  await shared.close();

  await page.getByTestId('audit-filter-clear').click();
  await page.locator(`[data-testid=audit-row][data-device-id="${other.id}"]`).first().waitFor();
});
