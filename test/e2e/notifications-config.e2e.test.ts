import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NotificationSettingsView, NotificationTestResult } from '@tether/protocol';
import { runCli, waitFor } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let smtp: SmtpTestServer;
let server: TestServer;
let conf: HttpsClient;

let configFile = '';

before(async () => {
  smtp = await startSmtpServer();
  const notifications = {
    retryBaseSec: 30,
    retryMaxSec: 3600,
    attempts: 8,
    smtp: {
      host: '127.0.0.1',
      port: smtp.port,
      security: 'starttls' as const,
      username: smtp.username,
      password: smtp.password,
      from: 'config@example.com',
      allowUntrustedCertificate: true,
    },
    kinds: { 'server.error': { enabled: true, recipients: ['ops@example.com'] } },
  };
  server = await createTestServer({ config: { notifications } });
  // The same file the headless CLI reads (the server in this test got it as flags).
  configFile = join(server.dataDir, 'tether.json');
  await writeFile(configFile, JSON.stringify({ dataDir: server.dataDir, notifications }));
  conf = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
  conf.cookie = server.admin.cookie;
});
after(async () => {
  await server.close();
  await smtp.close();
});

test('settings from the config file are used, shown read-only without the password, and cannot be changed', async () => {
  const response = await conf.request('GET', '/conf/api/notifications');
  const view = response.json(NotificationSettingsView);
  assert.equal(view.source, 'config file');
  assert.equal(view.smtp?.passwordSet, true);
  assert.doesNotMatch(response.text, /smtp-test-password/);

  const refused = await conf.request('PUT', '/conf/api/notifications', { smtp: null });
  assert.equal(refused.status, 409, refused.text);
  assert.match(refused.text, /config file/);
  const headless = await runCli([
    'admin',
    'notifications',
    'set-smtp',
    '--off',
    '--config',
    configFile,
  ]);
  assert.notEqual(headless.code, 0, headless.stdout);
  assert.match(headless.stderr, /config file/);
  const shown = await runCli(['admin', 'notifications', 'show', '--config', configFile]);
  assert.match(shown.stdout, /^Set in the server config file/);
  const printed = await runCli(['server', '--print-config', '--config', configFile]);
  assert.match(printed.stdout, /"password": "\(set\)"/);
  assert.doesNotMatch(printed.stdout, /smtp-test-password/);

  const tested = await conf.request('POST', '/conf/api/notifications/test', {
    channel: 'email',
    to: 'ops@example.com',
  });
  assert.equal(tested.json(NotificationTestResult).ok, true, tested.text);
  server.server.context.tasks.run('check the configured relay', () =>
    Promise.reject(new Error('config check')),
  );
  const mail = await waitFor('the server.error mail', () =>
    smtp.mails().find((candidate) => candidate.kind === 'server.error'),
  );
  assert.equal(mail.from, 'config@example.com');
});
