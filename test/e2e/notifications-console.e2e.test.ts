import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { AuditPage, NotificationSettingsView } from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server.js';
import { signedInConsole, type SignedInConsole } from '../support/signed-in-console.js';
import type { TestServer } from '../support/test-server.js';

// Runs against the admin console frame (/conf with ADMIN_SECTIONS, helper "shell").
let server: TestServer;
let smtp: SmtpTestServer;
let ui: SignedInConsole | undefined;
let page: Page;

const conf = (): HttpsClient => {
  const client = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  client.cookie = server.admin.cookie;
  return client;
};
const saved = async () =>
  (await conf().request('GET', '/conf/api/notifications')).json(NotificationSettingsView);

before(async () => {
  smtp = await startSmtpServer();
  ui = await signedInConsole({
    listener: 'admin',
    path: '/conf/notifications',
    ready: 'notification-form',
  });
  ({ server, page } = ui);
});
after(async () => {
  await ui?.close();
  await smtp.close();
});

test('the notifications editor refuses a bad address with nothing saved, then saves, keeps the password hidden, and audits', async () => {
  await page.getByTestId('smtp-enabled').click();
  await page.getByTestId('smtp-host').fill('127.0.0.1');
  await page.getByTestId('smtp-port').fill(String(smtp.port));
  await page.getByTestId('smtp-username').fill(smtp.username);
  await page.getByTestId('smtp-password').fill(smtp.password);
  await page.getByTestId('smtp-from').fill('not an address');
  await page.getByTestId('smtp-untrusted').click();
  await page.getByTestId('kind-enabled-server.error').click();
  await page.getByTestId('kind-recipients-server.error').fill('ops@example.com');
  await page.getByTestId('notification-save').click();
  const error = page.getByTestId('notification-error');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /from/i);
  assert.equal((await saved()).smtp, null, 'nothing was saved');

  await page.getByTestId('smtp-from').fill('tether@example.com');
  await page.getByTestId('notification-save').click();
  await page.getByText('Saved. The next notification uses these settings.').waitFor();
  const view = await saved();
  assert.equal(view.smtp?.passwordSet, true);
  assert.deepEqual(view.kinds['server.error'], { enabled: true, recipients: ['ops@example.com'] });
  assert.equal(await page.getByTestId('smtp-password').inputValue(), '', 'never shown again');
  const audit = await server.admin.request('GET', '/api/v1/audit?action=settings.changed');
  assert.ok(audit.json(AuditPage).entries.some((entry) => entry.target === 'notifications'));
  assert.doesNotMatch(audit.text, /smtp-test-password/);
});

test('send test shows the relay’s answer, and the delivery log shows a real notification', async () => {
  await page.getByTestId('test-email-to').fill('ops@example.com');
  await page.getByTestId('test-email').click();
  const result = page.getByTestId('test-result');
  await result.waitFor();
  assert.match((await result.textContent()) ?? '', /Sent\. .*250 .*queued/);

  server.server.context.tasks.run('check the console delivery log', () =>
    Promise.reject(new Error('console check')),
  );
  await waitFor('the server.error mail', () =>
    smtp.mails().find((mail) => mail.kind === 'server.error'),
  );
  await waitFor('the delivery in the log', async () => {
    await page.getByTestId('deliveries-refresh').click();
    const row = page.locator('[data-testid="notification-delivery"][data-status="delivered"]');
    return (await row.count()) > 0 ? true : undefined;
  });
  const row = page.getByTestId('notification-delivery').first();
  assert.match(
    (await row.textContent()) ?? '',
    /Server error.*E-mail.*ops@example\.com.*Delivered/,
  );
});
