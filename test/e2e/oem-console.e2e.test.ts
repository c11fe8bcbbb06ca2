import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createControlUrl, decryptDeviceKey } from '@tether/sdk/node';
import { launchBrowser, newConsolePage } from '../../packages/console/test/support/browser.js';
import { createTenant, createTokenClient, readRollout } from '../support/oem.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let browser: Browser;
let agent: Awaited<ReturnType<TestServer['startAgent']>>;

before(async () => {
  server = await createTestServer();
  agent = await server.startAgent();
  browser = await launchBrowser();
});
after(async () => {
  await browser.close();
  await server.close();
});

test('a control URL opened in a browser that never signed in shows a live terminal, once', async () => {
  const tenant = await createTenant(server, 'Acme RMM', ['Test devices']);
  const { oem } = await createTokenClient(server, tenant.id);
  const rollout = await readRollout(agent.dataDir);
  const key = await oem.createDeviceKey({
    tenantId: tenant.id,
    rollout,
    keyPermissions: ['unattended'],
  });
  const url = await createControlUrl({
    oem,
    tenantId: tenant.id,
    remoteControlId: rollout.remoteControlId,
    deviceKeyId: key.deviceKeyId,
    deviceKey: decryptDeviceKey(key.encryptedDeviceKey, rollout.rolloutKey),
    controlType: 'unattended',
  });

  const page = await newConsolePage(browser, server.url);
  try {
    await page.goto(url);
    const status = page.getByTestId('terminal-status');
    await status.and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
    assert.doesNotMatch(page.url(), /ticket=/, 'the ticket is removed from the address bar');
    await page.getByTestId('terminal').click();
    await page.keyboard.type('echo via-url-$((20+22))\n');
    await page.getByText('via-url-42').waitFor({ timeout: 15_000 });
    await page.getByTestId('end-session').click();
    await status.and(page.locator('[data-state="ended"]')).waitFor({ timeout: 15_000 });

    const again = await page.goto(url);
    assert.equal(again?.status(), 403, 'the URL is useless afterwards');
    // A person sees a page that says what to do, not the API's JSON body.
    await page
      .getByRole('heading', { name: 'This connection link is no longer valid' })
      .waitFor({ timeout: 15_000 });
    await page.getByText(/for a new one/).waitFor({ timeout: 15_000 });
    assert.doesNotMatch(await page.content(), /"code"/);
  } finally {
    await page.context().close();
  }
});
