import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { BackupList, BackupScheduleView } from '@tether/protocol';
import { HttpsClient } from '../support/https-client.js';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

// The backups section of the admin console (`/conf/backups`) in headless Chromium: back up now,
// verify, download, delete, and the schedule editor saving, validating and auditing. The section
// lives in the admin console's frame; a build without that frame skips this file.

const PASSPHRASE = 'browser backup passphrase';

let server: TestServer;
let ui: SignedInConsole | undefined;
let page: Page;
let conf: HttpsClient;

before(async () => {
  ui = await signedInConsole();
  ({ server, page } = ui);
  conf = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  conf.cookie = server.admin.cookie;
  await page.goto(new URL('/conf/backups', server.adminUrl).href);
  // The session cookie is the host's, whatever the port: signed in on the console, signed in here.
  await page.getByTestId('backup-now').waitFor();
});
after(() => ui?.close());

const list = async () => (await conf.request('GET', '/conf/api/backups')).json(BackupList);

test('an administrator backs up now, verifies, downloads and deletes a backup', async () => {
  await page.getByTestId('backup-passphrase').fill(PASSPHRASE);
  await page.getByTestId('backup-include-recordings').check();
  await page.getByTestId('backup-create').click();
  await page.locator('[data-testid="backup-job"][data-state="done"]').waitFor({ timeout: 60_000 });
  const [file] = (await list()).backups;
  assert.ok(file);
  assert.equal(file.includesRecordings, true);
  const row = page.locator(`[data-testid="backup-row"][data-name="${file.name}"]`);
  await row.waitFor();
  assert.equal(await page.getByTestId('backup-passphrase').inputValue(), '', 'not kept');

  await row.getByTestId('backup-verify-open').click();
  await page.getByTestId('backup-verify-passphrase').fill('not the right passphrase');
  await page.getByTestId('backup-verify').click();
  await page.getByText(/passphrase is wrong/).waitFor();
  await page.getByTestId('backup-verify-passphrase').fill(PASSPHRASE);
  await page.getByTestId('backup-verify').click();
  await page.getByTestId('backup-verified').waitFor();

  const downloading = page.waitForEvent('download');
  await row.getByRole('link', { name: 'Download' }).click();
  const downloaded = await (await downloading).path();
  const onDisk = join(server.dataDir, 'backups', file.name);
  assert.equal((await stat(downloaded)).size, (await stat(onDisk)).size);
  assert.deepEqual(await readFile(downloaded), await readFile(onDisk));
  assert.match(
    (await page.getByTestId('backup-restore-command').textContent()) ?? '',
    /^tether restore .* --replace$/,
  );

  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByTestId('backup-delete').click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await list()).backups.length, 0);
});

test('the schedule editor saves, refuses an invalid time and audits the change', async () => {
  const form = page.getByTestId('backup-schedule');
  await form.getByTestId('schedule-enabled').check();
  await form.getByTestId('schedule-kind').selectOption('daily');
  await form.getByTestId('schedule-time').fill('25:00');
  await form.getByTestId('schedule-passphrase').fill(PASSPHRASE);
  await form.getByTestId('schedule-save').click();
  await form.getByRole('alert').waitFor();
  const before = (await conf.request('GET', '/conf/api/backups/schedule')).json(BackupScheduleView);
  assert.equal(before.enabled, false, 'nothing saved');

  await form.getByTestId('schedule-kind').selectOption('interval');
  await form.getByTestId('schedule-hours').fill('12');
  await form.getByTestId('schedule-keep-count').fill('3');
  await form.getByTestId('schedule-save').click();
  await form.getByText('Saved; it applies now.').waitFor();
  const saved = (await conf.request('GET', '/conf/api/backups/schedule')).json(BackupScheduleView);
  assert.equal(saved.enabled, true);
  assert.deepEqual(saved.every, { kind: 'interval', hours: 12 });
  assert.deepEqual(saved.keep, { count: 3 });
  assert.equal(saved.passphraseSource, 'stored');
  const audit = await server.server.context.store.audit.list({ limit: 100 });
  assert.ok(audit.some((entry) => entry.target === 'backup.schedule'));
  assert.ok(!JSON.stringify(audit).includes(PASSPHRASE), 'the passphrase is never audited');
});
