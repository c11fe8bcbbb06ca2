import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { EnrollResponse, TETHER_VERSION } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { createTestServer, ADMIN_PASSWORD, type TestServer } from '../support/test-server.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

let server: TestServer;
let browser: Browser;
let page: Page;
let deviceId: string;

before(async () => {
  server = await createTestServer();
  deviceId = (await server.startAgent()).device.id;
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await mkdir(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser.close();
  await server.close();
});

/** A device whose agent reports a hostname made to inject HTML. */
async function enrollHostileDevice(): Promise<string> {
  const { token } = await server.createInstaller({ group: 'Hostile' });
  const publicKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '';
  const response = await server.client().request('POST', '/api/v1/agent/enroll', {
    token,
    publicKey,
    inventory: {
      hostname: HOSTILE,
      os: { platform: 'linux', release: '6', name: `${HOSTILE} OS`, arch: 'x64' },
      agentVersion: TETHER_VERSION,
    },
  });
  assert.equal(response.status, 200, response.text);
  return response.json(EnrollResponse).deviceId;
}

test('a technician signs in, sees the device online, and runs a command in its terminal', async () => {
  const hostileId = await enrollHostileDevice();
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });

  const row = page.locator(`[data-testid=device-row][data-device-id="${deviceId}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-online'), 'true');
  const hostileRow = page.locator(`[data-testid=device-row][data-device-id="${hostileId}"]`);
  assert.ok(
    (await hostileRow.innerText()).includes(HOSTILE),
    'the hostile hostname is shown as text',
  );
  assert.equal(await page.locator('img[src=x]').count(), 0, 'no element was injected');
  assert.equal(
    await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
    undefined,
  );
  await page.screenshot({ path: `${ARTIFACTS}console-devices.png` });

  await row.getByTestId('device-name').click();
  await page.getByTestId('open-terminal').click();
  await page.locator('[data-testid=terminal-status][data-state=connected]').waitFor();
  await page.getByTestId('terminal').click();
  await page.keyboard.type('echo "console-$((20 + 22))-works"\n');
  await page
    .getByTestId('terminal')
    .getByText('console-42-works')
    .first()
    .waitFor({ timeout: 10_000 });
  await page.screenshot({ path: `${ARTIFACTS}console-terminal.png` });
  await page.getByTestId('end-session').click();
  await page.locator('[data-testid=terminal-status][data-state=ended]').waitFor();
});

test('the recording of that session plays back in the browser', async () => {
  await page.goto(`${server.url}/recordings`);
  const recording = page.getByTestId('recording-row').first();
  await recording.waitFor();
  await recording.getByTestId('recording-play').click();
  await page.getByTestId('player').waitFor();
  await page.getByTestId('player-speed-4').click();
  await page.getByTestId('player-play').click();
  await page
    .getByTestId('player')
    .getByText('console-42-works')
    .first()
    .waitFor({ timeout: 15_000 });
  await page.screenshot({ path: `${ARTIFACTS}console-recording.png` });
});
