// The Wake card on an offline device's page, in headless Chromium against a real server.
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';
import { startWakeTestAgent, type WakeTestAgent } from '../support/wake-agents.js';

let server: TestServer;
let browser: Browser;
let page: Page;
let dir: string;
let capture: UdpSocket;
const agents: WakeTestAgent[] = [];

before(async () => {
  capture = createSocket('udp4');
  capture.bind(0, '0.0.0.0');
  await once(capture, 'listening');
  server = await createTestServer({
    config: { wake: { wakeOnLanPort: capture.address().port } },
  });
  dir = await mkdtemp(join(tmpdir(), 'tether-wake-console-'));
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  for (const agent of agents) await agent.stop();
  await server.close();
  await rm(dir, { recursive: true, force: true });
  capture.close();
});

test('a technician wakes an offline device from its page with a SecureOn password; the button waits out the cooldown', async () => {
  const start = async (name: string, mac: string): Promise<WakeTestAgent> => {
    const agent = await startWakeTestAgent(server, {
      dataDir: join(dir, name),
      connectionType: 'active',
      mac,
    });
    agents.push(agent);
    await waitFor(`${name} online`, () => (agent.connections[0] === true ? true : undefined));
    return agent;
  };
  await start('relay', '02:00:00:00:00:02');
  const target = await start('sleeper', '52:54:00:ab:cd:ef');

  await page.goto(`/devices/${target.deviceId}`);
  await page.getByTestId('device-details').waitFor();
  assert.equal(await page.getByTestId('device-wake').count(), 0, 'no Wake while online');
  await target.stop();
  // The page is live: the card appears when the device goes offline.
  await page.getByTestId('device-wake').waitFor();

  const packet = once(capture, 'message') as Promise<[Buffer]>;
  await page.getByText('SecureOn password').click();
  await page.getByTestId('device-wake-secure-on').fill('01:02:03:04:05:06');
  await page.getByTestId('device-wake-button').click();
  await page.getByText(/Wake-on-LAN packets sent through .* for 52:54:00:ab:cd:ef/).waitFor();
  const [bytes] = await packet;
  assert.equal(bytes.length, 108);
  assert.deepEqual([...bytes.subarray(102)], [1, 2, 3, 4, 5, 6], 'the SecureOn password last');
  assert.match(
    (await page.getByTestId('device-wake-button').textContent()) ?? '',
    /Wake \(again in \d+ s\)/,
  );
  assert.equal(await page.getByTestId('device-wake-button').isDisabled(), true);
});
