import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PolicyList } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { runCli, waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

let server: TestServer;
let browser: Browser;
let page: Page;
let deviceId: string;
let agentDataDir: string;

before(async () => {
  server = await createTestServer();
  const agent = await server.startAgent({ args: ['--user-presence', 'present'] });
  deviceId = agent.device.id;
  agentDataDir = agent.dataDir;
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await server.close();
});

test('an administrator sets a policy to interactive with terminal rights in the policy editor', async () => {
  await page.goto(`${server.url}/policies/new`);
  await page.getByTestId('policy-name').fill('Ask the user');
  await page.getByTestId('policy-mode-interactive').check();
  for (const right of ['view', 'control', 'files']) {
    await page.getByTestId(`policy-mode-interactive-${right}`).uncheck();
  }
  await page.getByTestId('policy-save').click();
  const policy = await waitFor('the policy to be saved', async () => {
    const list = (await server.admin.request('GET', '/api/v1/policies')).json(PolicyList);
    return list.policies.find((candidate) => candidate.name === 'Ask the user');
  });
  assert.deepEqual(policy.settings.assistance, { modes: { interactive: ['terminal'] } });
  const assigned = await server.admin.request('PUT', `/api/v1/policies/${policy.id}/assignments`, {
    assignments: [{ type: 'device', deviceId }],
  });
  assert.equal(assigned.status, 200, assigned.text);
});

test('a technician picks interactive assistance on the device page; the terminal opens once the user accepts', async () => {
  await page.goto(`${server.url}/devices/${deviceId}`);
  await page.getByTestId('assistance-mode').selectOption('interactive');
  await page.getByTestId('open-terminal').click();
  assert.match(page.url(), /\/terminal\?mode=interactive$/);
  await page
    .getByTestId('consent-wait')
    .getByText(/Waiting for the user at .+ to accept your request — \d+ s left/)
    .waitFor();
  // The relay socket is open, but nothing is connected until the user accepts.
  const waiting = page.locator('[data-testid=terminal-status][data-state=awaiting-consent]');
  await waiting.getByText('Waiting for the user to accept').waitFor();
  const id = await waitFor('the consent prompt', async () => {
    const listed = await runCli(['agent', 'prompts', 'list', '--data-dir', agentDataDir]);
    return /^([0-9a-f-]{36}) {2}admin asks for a terminal session/m.exec(listed.stdout)?.[1];
  });
  const accepted = await runCli(['agent', 'prompts', 'accept', id, '--data-dir', agentDataDir]);
  assert.equal(accepted.code, 0, accepted.stderr);
  await page.locator('[data-testid=terminal-status][data-state=connected]').waitFor();
  await page.getByTestId('consent-wait').waitFor({ state: 'detached' });
  await page.getByTestId('terminal').click();
  await page.keyboard.type('echo "accepted-$((20 + 22))"\n');
  await page.getByTestId('terminal').getByText('accepted-42').first().waitFor({ timeout: 15_000 });
  await page.getByTestId('end-session').click();
  await page.locator('[data-testid=terminal-status][data-state=ended]').waitFor();
});

test('unattended on a device whose policy allows interactive only is refused with the reason', async () => {
  await page.goto(`${server.url}/devices/${deviceId}`);
  assert.equal(await page.getByTestId('device-user-presence').innerText(), 'console is present');
  await page.getByTestId('assistance-mode').selectOption('unattended');
  await page.getByTestId('open-terminal').click();
  const panel = page.getByTestId('unattended-panel');
  await page.getByTestId('unattended-confirm-on').click();
  await panel.getByText(/allows interactive only/).waitFor();
  assert.equal(await page.getByTestId('unattended-password').count(), 0, 'no password was made');
});

test('unattended access: the technician gets a session ID and one-time password, connects, and reconnects with the access file', async () => {
  const open = await server.startAgent();
  await page.goto(`${server.url}/devices/${open.device.id}`);
  await page.getByTestId('open-unattended').click();
  await page.getByTestId('unattended-confirm-on').click();
  const accessId = (await page.getByTestId('unattended-id').innerText()).replace(/\s/g, '');
  const password = await page.getByTestId('unattended-password').innerText();
  assert.match(accessId, /^\d{9}$/);
  await page.screenshot({ path: `${ARTIFACTS}unattended-credentials.png` });
  await page.getByTestId('unattended-connect-terminal').click();
  assert.match(page.url(), new RegExp(`/terminal\\?access=${accessId}$`));
  assert.ok(!page.url().includes(password), 'the password never goes into the URL');
  await page.locator('[data-testid=terminal-status][data-state=connected]').waitFor();
  await page.getByTestId('terminal').click();
  await page.keyboard.type('echo "unattended-$((20 + 22))"\n');
  await page
    .getByTestId('terminal')
    .getByText('unattended-42')
    .first()
    .waitFor({ timeout: 15_000 });
  await page.getByTestId('end-session').click();
  await page.locator('[data-testid=terminal-status][data-state=ended]').waitFor();

  const file = await server.admin.request('GET', `/api/v1/unattended/${accessId}/access-file`);
  assert.equal(file.status, 200, file.text);
  await page.goto(`${server.url}/connect`);
  await page.getByTestId('connect-file').setInputFiles({
    name: `tether-access-${accessId}.json`,
    mimeType: 'application/json',
    buffer: Buffer.from(file.text),
  });
  await page.getByTestId('connect-device').getByText(open.device.name).waitFor();
  await page.getByTestId('connect-password').fill('not-the-password');
  await page.getByTestId('connect-submit').click();
  // A wrong password is told on the form, which keeps what was typed (issue 10).
  const refused = page.getByTestId('connect-form').locator('.notice-error');
  await refused.waitFor();
  assert.match(await refused.innerText(), /session ID or the one-time password is wrong/);
  assert.equal(new URL(page.url()).pathname, '/connect');

  await page.goto(`${server.url}/connect`);
  await page.getByTestId('connect-id').fill(accessId);
  await page.getByTestId('connect-password').fill(password);
  await page.getByTestId('connect-submit').click();
  await page.locator('[data-testid=terminal-status][data-state=connected]').waitFor();
  await page.getByTestId('terminal').click();
  await page.keyboard.type('echo "again-$((20 + 22))"\n');
  await page.getByTestId('terminal').getByText('again-42').first().waitFor({ timeout: 15_000 });
  await page.getByTestId('end-session').click();
  await page.locator('[data-testid=terminal-status][data-state=ended]').waitFor();
});

test('an administrator sets session policies by user presence in the policy editor', async () => {
  await page.goto(`${server.url}/policies/new`);
  await page.getByTestId('policy-name').fill('Hands off while someone works');
  await page.getByTestId('policy-presence-enabled').check();
  await page.getByTestId('policy-presence-present-control').uncheck();
  await page.getByTestId('policy-presence-absent-files').uncheck();
  await page.getByTestId('policy-presence-screen').check();
  await page.getByTestId('policy-save').click();
  const policy = await waitFor('the policy to be saved', async () => {
    const list = (await server.admin.request('GET', '/api/v1/policies')).json(PolicyList);
    return list.policies.find((candidate) => candidate.name === 'Hands off while someone works');
  });
  assert.deepEqual(policy.settings.assistance, {
    presence: { useScreenState: true, present: ['view'], absent: ['view', 'control', 'terminal'] },
  });
  const removed = await server.admin.request('DELETE', `/api/v1/policies/${policy.id}`);
  assert.ok(removed.status === 200 || removed.status === 204, removed.text);
});
