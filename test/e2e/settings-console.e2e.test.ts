import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { StatisticsSettings, StatisticsSettingsView } from '@tether/protocol';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;
let ui: SignedInConsole | undefined;
let page: Page;

before(async () => {
  ui = await signedInConsole();
  ({ server, page } = ui);
});
after(() => ui?.close());

const savedSettings = async () =>
  (await server.admin.request('GET', '/api/v1/settings/statistics')).json(StatisticsSettings);

test('an administrator chooses the statistics agents report and how often, and the page shows what is saved', async () => {
  const initial = await savedSettings();
  assert.ok(initial.enabled.includes('cpu'), 'CPU use is collected by default');
  assert.ok(!initial.enabled.includes('screenThumbnail'), 'screen thumbnails are not');

  await page.getByRole('link', { name: 'Settings' }).click();
  const inForce = await page.getByTestId('statistics-in-force').innerText();
  const { inForce: expected } = (
    await server.admin.request('GET', '/api/v1/settings/statistics')
  ).json(StatisticsSettingsView);
  assert.match(
    inForce,
    new RegExp(
      `In force: every ${initial.intervalSec}s \\(${expected.connectedAgents} agents? connected`,
    ),
    'the page says which interval agents use now',
  );
  const cpu = page.getByTestId('statistic-cpu');
  const thumbnail = page.getByTestId('statistic-screenThumbnail');
  assert.equal(await cpu.isChecked(), true);
  assert.equal(await thumbnail.isChecked(), false);
  // The label is clickable, not only the box.
  await page.getByText('CPU use').click();
  await thumbnail.check();
  await page.getByTestId('statistics-interval').fill('45');
  await page.getByTestId('statistics-save').click();
  await page.getByText('Saved. Agents apply the new settings').waitFor();

  const saved = await savedSettings();
  assert.equal(saved.intervalSec, 45);
  assert.match(await page.getByTestId('statistics-in-force').innerText(), /In force: every 45s /);
  assert.ok(!saved.enabled.includes('cpu'), 'CPU use is no longer collected');
  assert.ok(saved.enabled.includes('screenThumbnail'), 'screen thumbnails are');
  assert.deepEqual(
    saved.enabled.filter((kind) => kind !== 'screenThumbnail'),
    initial.enabled.filter((kind) => kind !== 'cpu'),
    'the other statistics are unchanged',
  );

  await page.reload();
  await page.getByTestId('statistics-form').waitFor();
  assert.equal(await page.getByTestId('statistic-cpu').isChecked(), false);
  assert.equal(await page.getByTestId('statistic-screenThumbnail').isChecked(), true);
  assert.equal(await page.getByTestId('statistics-interval').inputValue(), '45');
});
