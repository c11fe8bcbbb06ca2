// The admin console's Agent upgrades section (A-6, S-12) at /conf/upgrades on the admin listener.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { AuditPage, UpgradeOverview } from '@tether/protocol';
import { adminClient } from '../support/admin-client.js';
import { storeBuild } from '../support/agent-upgrade-fixture.js';
import type { HttpsClient } from '../support/https-client.js';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;
let conf: HttpsClient;
let ui: SignedInConsole | undefined;
let page: Page;

const overview = async (): Promise<UpgradeOverview> =>
  (await conf.request('GET', '/conf/api/upgrades')).json(UpgradeOverview);

before(async () => {
  ui = await signedInConsole({ listener: 'admin' });
  ({ server, page } = ui);
  conf = adminClient(server);
  await storeBuild(server.dataDir, '0.9.0-console', 'broken');
  await page.goto('/conf/upgrades');
  await page.getByTestId('upgrades-form').waitFor();
});
after(() => ui?.close());

test('a bandwidth above 100 MiB/s is refused and nothing changes', async () => {
  const before = await overview();
  const bandwidth = page.getByTestId('upgrades-bandwidth');
  await bandwidth.fill('200');
  await page.getByTestId('upgrades-save').click();
  // The form does not send it; the API refuses it too.
  assert.equal(
    await bandwidth.evaluate((input: HTMLInputElement) => input.validity.rangeOverflow),
    true,
  );
  const refused = await conf.request('PUT', '/conf/api/upgrades/settings', {
    ...before.settings,
    bandwidthBytesPerSec: 200 * 1024 * 1024,
  });
  assert.equal(refused.status, 422);
  assert.deepEqual((await overview()).settings, before.settings);
});

test('the mode, a target among the builds and the limits are saved and audited', async () => {
  await page.getByTestId('upgrades-mode').selectOption('always');
  await page.getByTestId('upgrades-target').selectOption('0.9.0-console');
  await page.getByTestId('upgrades-bandwidth').fill('5');
  await page.getByTestId('upgrades-concurrent').fill('20');
  await page.getByTestId('upgrades-save').click();
  await page.getByText('Saved and applied.').waitFor();
  assert.deepEqual((await overview()).settings, {
    mode: 'always',
    targetVersion: '0.9.0-console',
    bandwidthBytesPerSec: 5 * 1024 * 1024,
    maxConcurrent: 20,
  });
  const audit = (
    await server.admin.request('GET', '/api/v1/audit?action=settings.changed&limit=5')
  ).json(AuditPage);
  assert.ok(audit.entries.some((entry) => entry.target === 'upgrades'));
});

test('upgrading a group that has no device says so', async () => {
  await page.getByTestId('upgrades-group').fill('Nobody here');
  await page.getByTestId('upgrades-group-start').click();
  await page.getByRole('alert').getByText('No device is in a group named "Nobody here".').waitFor();
});
