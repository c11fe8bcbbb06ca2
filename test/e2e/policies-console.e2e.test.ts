import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { EffectivePolicyView, Policy, PolicyList } from '@tether/protocol';
import { z } from 'zod';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const HOSTILE_NAME = 'Lab <img src=x onerror="window.__pwned=1">';
const SEALED = '-----BEGIN CMS-----\nMIIB-console-sealed-credential\n-----END CMS-----';

let server: TestServer;
let browser: Browser;
let page: Page;
let deviceId: string;
let group: string;

before(async () => {
  server = await createTestServer();
  const agent = await server.startAgent();
  deviceId = agent.device.id;
  group = agent.device.group;
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await mkdir(ARTIFACTS, { recursive: true });
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await server.close();
});

async function policyNamed(name: string): Promise<Policy | undefined> {
  const list = (await server.admin.request('GET', '/api/v1/policies')).json(PolicyList);
  return list.policies.find((policy) => policy.name === name);
}

test('an administrator creates a policy in the editor and assigns it to the device group', async () => {
  await page.getByRole('link', { name: 'Policies' }).click();
  await page.getByTestId('policy-new').click();
  await page.getByTestId('policy-name').fill(HOSTILE_NAME);
  await page.getByTestId('policy-description').fill('terminals are not recorded here');
  await page.getByTestId('policy-recording-terminal').selectOption('off');
  await page.getByTestId('policy-storage-enabled').check();
  await page.getByTestId('policy-storage-url').fill('sftp://rec@files.example:22/tether');
  await page.getByTestId('policy-storage-credential').fill(SEALED);
  await page.getByTestId('policy-save').click();

  await page.getByTestId('policy-assignments').waitFor();
  await page.getByTestId('policy-assign-group').selectOption(group);
  await page.getByTestId('policy-assign-group-add').click();
  await page.getByTestId('policy-assignments-save').click();
  await page.getByText('Assignments saved.').waitFor();
  await page.screenshot({ path: `${ARTIFACTS}console-policy-editor.png` });

  const saved = await policyNamed(HOSTILE_NAME);
  assert.ok(saved, 'the policy was created with the name as typed');
  assert.deepEqual(saved.settings.recording, { terminal: 'off' });
  assert.equal(saved.settings.customStorage?.url, 'sftp://rec@files.example:22/tether');
  assert.deepEqual(saved.assignments, [{ type: 'group', group }]);
  const effective = (
    await server.admin.request('GET', `/api/v1/devices/${deviceId}/effective-policy`)
  ).json(EffectivePolicyView);
  assert.equal(effective.settings.recording.terminal, 'off');

  assert.equal(await page.locator('img[src=x]').count(), 0, 'the name is shown as text');
  assert.equal(await page.getByText(SEALED.split('\n')[1] ?? '').count(), 0);
  assert.equal(
    await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    undefined,
  );
});

test('the editor shows a conflict with the policy already on the group, and saves nothing', async () => {
  const created = await server.admin.request('POST', '/api/v1/policies', {
    name: 'Record terminals',
    settings: { recording: { terminal: 'required' } },
  });
  assert.equal(created.status, 201, created.text);
  const { policy } = created.json(z.object({ policy: Policy }));

  await page.goto(`${server.url}/policies`);
  await page
    .locator(`[data-testid=policy-row][data-policy-id="${policy.id}"]`)
    .getByTestId('policy-link')
    .click();
  await page.getByTestId('policy-assign-group').selectOption(group);
  await page.getByTestId('policy-assign-group-add').click();
  await page.getByTestId('policy-assignments-save').click();
  const error = page.getByTestId('policy-assignments-error');
  await error.waitFor();
  const message = await error.innerText();
  assert.match(message, /"Record terminals" \(required\)/);
  assert.ok(message.includes(`"${HOSTILE_NAME}" (off)`), message);
  assert.match(message, /recording\.terminal/);
  await page.screenshot({ path: `${ARTIFACTS}console-policy-conflict.png` });
  assert.deepEqual((await policyNamed('Record terminals'))?.assignments, []);
});

test('the device page shows the effective policy and where each setting comes from', async () => {
  await page.goto(`${server.url}/devices/${deviceId}`);
  const terminalRow = page.locator(
    '[data-testid=effective-policy-row][data-key="recording.terminal"]',
  );
  await terminalRow.waitFor();
  assert.equal(await terminalRow.getByTestId('effective-policy-value').innerText(), 'Not recorded');
  assert.ok(
    (await terminalRow.getByTestId('effective-policy-source').innerText()).includes(HOSTILE_NAME),
  );
  const desktopRow = page.locator(
    '[data-testid=effective-policy-row][data-key="recording.desktop"]',
  );
  assert.equal(await desktopRow.getByTestId('effective-policy-source').innerText(), 'Default');
  const storageRow = page.locator('[data-testid=effective-policy-row][data-key="customStorage"]');
  assert.equal(
    await storageRow.getByTestId('effective-policy-value').innerText(),
    'sftp://rec@files.example:22/tether',
  );
  await page.screenshot({ path: `${ARTIFACTS}console-effective-policy.png` });
});
