import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ErrorBody, formatAccessId, Policy, UnattendedAccessList } from '@tether/protocol';
import { z } from 'zod';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { runCli, waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const PolicyReply = z.object({ policy: Policy });

let server: TestServer;
let browser: Browser;
let page: Page;
let deviceId: string;
let agentDataDir: string;
/** The password the console showed last, to prove it stops working. */
let shownPassword = '';
let shownAccessId = '';

before(async () => {
  server = await createTestServer();
  const agent = await server.startAgent();
  deviceId = agent.device.id;
  agentDataDir = agent.dataDir;
  const created = await server.admin.request('POST', '/api/v1/policies', {
    name: 'Unattended, look and type only',
    settings: { assistance: { modes: { unattended: ['view', 'terminal'] } } },
  });
  assert.equal(created.status, 201, created.text);
  const policy = created.json(PolicyReply).policy;
  const assigned = await server.admin.request('PUT', `/api/v1/policies/${policy.id}/assignments`, {
    assignments: [{ type: 'device', deviceId }],
  });
  assert.equal(assigned.status, 200, assigned.text);
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await server.close();
});

const connect = (accessId: string, password: string) =>
  server.admin.request('POST', '/api/v1/unattended/connect', {
    accessId,
    password,
    kind: 'terminal',
  });

async function liveAccesses(): Promise<string[]> {
  const list = (await server.admin.request('GET', `/api/v1/unattended?deviceId=${deviceId}`)).json(
    UnattendedAccessList,
  );
  return list.accesses
    .filter((access) => ['waiting', 'connected', 'idle'].includes(access.state))
    .map((access) => access.id);
}

const indicator = () => page.getByTestId('device-unattended');

test('turning unattended access on asks for confirmation with the mode and the rights, and the device page then shows it on', async () => {
  await page.goto(`${server.url}/devices/${deviceId}`);
  await page.locator('[data-testid=device-unattended][data-state=off]').waitFor();
  await page.getByTestId('open-unattended').click();
  const confirm = page.getByTestId('unattended-confirm');
  await confirm.waitFor();
  assert.equal(await page.getByTestId('unattended-confirm-mode').innerText(), 'Unattended');
  assert.equal(await page.getByTestId('unattended-confirm-rights').innerText(), 'view, terminal');
  await page.screenshot({ path: `${ARTIFACTS}unattended-confirm.png` });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('unattended-panel').waitFor({ state: 'detached' });
  assert.deepEqual(await liveAccesses(), [], 'cancelling turns nothing on');

  await page.getByTestId('open-unattended').click();
  await page.getByTestId('unattended-confirm-on').click();
  shownPassword = await page.getByTestId('unattended-password').innerText();
  shownAccessId = (await page.getByTestId('unattended-id').innerText()).replace(/\s/g, '');
  assert.equal(await page.getByTestId('unattended-rights').innerText(), 'view, terminal');
  await page.locator('[data-testid=device-unattended][data-state=on]').waitFor();
  assert.match(
    await indicator().innerText(),
    new RegExp(
      `On — session ID ${shownAccessId.replace(/(\d{3})(?=\d)/g, '$1 ')} \\(unattended\\)`,
    ),
  );
  assert.deepEqual(await liveAccesses(), [shownAccessId]);
});

test('opening the panel again shows the live access without its password; replacing it asks first and the old password stops working', async () => {
  await page.goto(`${server.url}/devices/${deviceId}`);
  await page.locator('[data-testid=device-unattended][data-state=on]').waitFor();
  await page.getByTestId('open-unattended').click();
  await page.getByTestId('unattended-existing').waitFor();
  const shownId = (await page.getByTestId('unattended-id').innerText()).replace(/\s/g, '');
  assert.equal(shownId, shownAccessId);
  assert.equal(await page.getByTestId('unattended-mode').innerText(), 'Unattended');
  assert.equal(await page.getByTestId('unattended-rights').innerText(), 'view, terminal');
  assert.match(await page.getByTestId('unattended-expiry').innerText(), /^until .+ unless used$/);
  assert.equal(await page.getByTestId('unattended-password').count(), 0);
  assert.ok(!(await page.content()).includes(shownPassword), 'the password is never shown again');
  assert.deepEqual(await liveAccesses(), [shownAccessId], 'opening the panel made no new one');
  await page.screenshot({ path: `${ARTIFACTS}unattended-existing.png` });

  await page.getByTestId('unattended-replace').click();
  const confirm = page.getByTestId('unattended-confirm');
  await confirm.getByText(/This replaces access [\d ]+: its password stops working/).waitFor();
  await page.getByTestId('unattended-confirm-on').click();
  const newPassword = await page.getByTestId('unattended-password').innerText();
  const newId = (await page.getByTestId('unattended-id').innerText()).replace(/\s/g, '');
  assert.notEqual(newId, shownAccessId);
  const old = await connect(shownAccessId, shownPassword);
  assert.equal(old.json(ErrorBody).code, 'TOKEN_EXPIRED', 'the replaced password opens nothing');
  assert.deepEqual(await liveAccesses(), [newId]);
  shownPassword = newPassword;
  shownAccessId = newId;
});

test('Turn off now turns unattended access off on the device, and the device page shows it off', async () => {
  await page.getByTestId('unattended-revoke').click();
  await page.getByTestId('unattended-off').waitFor();
  await page.locator('[data-testid=device-unattended][data-state=off]').waitFor();
  assert.deepEqual(await liveAccesses(), []);
  const refused = await connect(shownAccessId, shownPassword);
  assert.equal(refused.json(ErrorBody).code, 'TOKEN_EXPIRED');
  await waitFor('the agent to turn its unattended service off', async () => {
    const status = await runCli(['agent', 'unattended', 'status', '--data-dir', agentDataDir]);
    return /Unattended access is off/.test(status.stdout) ? true : undefined;
  });
  await page.screenshot({ path: `${ARTIFACTS}unattended-off.png` });
});

test('the device list shows for each device whether unattended access is on, and follows it live', async () => {
  await page.goto(`${server.url}/devices`);
  const cell = page.locator(
    `[data-testid=device-row][data-device-id="${deviceId}"] [data-testid=device-unattended]`,
  );
  await cell.and(page.locator('[data-state=off]')).waitFor();
  assert.equal(await cell.innerText(), 'Off');

  const created = await server.admin.request('POST', '/api/v1/unattended', {
    deviceId,
    mode: 'unattended',
  });
  assert.equal(created.status, 201, created.text);
  await cell.and(page.locator('[data-state=on]')).waitFor();
  assert.equal(await cell.innerText(), 'On (unattended)');
  const [access] = await liveAccesses();
  assert.ok(access, 'the access is live');
  const title = (await cell.getAttribute('title')) ?? '';
  assert.ok(title.includes(`session ID ${formatAccessId(access)}`), title);

  const off = await server.admin.request('DELETE', `/api/v1/devices/${deviceId}/unattended`);
  assert.equal(off.status, 200, off.text);
  await cell.and(page.locator('[data-state=off]')).waitFor();
  await page.screenshot({ path: `${ARTIFACTS}unattended-device-list.png` });
});

test('turned off by the user at the device, the open device page shows unattended access off without a reload', async () => {
  const created = await server.admin.request('POST', '/api/v1/unattended', {
    deviceId,
    mode: 'unattended',
  });
  assert.equal(created.status, 201, created.text);
  await page.goto(`${server.url}/devices/${deviceId}`);
  await page.locator('[data-testid=device-unattended][data-state=on]').waitFor();
  const off = await runCli(['agent', 'unattended', 'off', '--data-dir', agentDataDir]);
  assert.equal(off.code, 0, off.stderr);
  await page.locator('[data-testid=device-unattended][data-state=off]').waitFor();
  assert.deepEqual(await liveAccesses(), []);
});
