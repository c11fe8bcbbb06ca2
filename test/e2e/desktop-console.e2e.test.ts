import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DeviceList, RecordingList } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';
import { startXDesktop, type XDesktop } from '../support/x-desktop.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const base = `/tmp/tether-console-desktop-${randomUUID()}`;
const markers = { first: `${base}-1`, viewOnly: `${base}-view-only`, last: `${base}-2` };

let server: TestServer;
let desktop: XDesktop;
let browser: Browser;
let page: Page;
let deviceId: string;

before(async () => {
  desktop = await startXDesktop();
  server = await createTestServer();
  const agent = await server.startAgent({
    args: ['--vnc', `127.0.0.1:${desktop.vncPort}`, '--vnc-password-file', desktop.passwordFile],
  });
  deviceId = agent.device.id;
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await mkdir(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser.close();
  await server.close();
  await desktop.close();
  await Promise.all(Object.values(markers).map((file) => rm(file, { force: true })));
});

/** Waits for a connected desktop, clicks into the xterm (top left of the screen) and types. */
async function typeIntoXterm(text: string): Promise<void> {
  await page.locator('[data-testid=desktop-status][data-state=connected]').waitFor();
  const canvas = page.getByTestId('desktop-screen').locator('canvas');
  await canvas.waitFor();
  const box = await canvas.boundingBox();
  assert.ok(box && box.width > 100, 'noVNC shows the screen');
  await canvas.click({ position: { x: box.width * 0.2, y: box.height * 0.2 } });
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

test('a technician types into the device desktop from the console; view-only typing does nothing', async () => {
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  await page.goto(`${server.url}/devices/${deviceId}`);
  await page.getByTestId('open-desktop').click();

  await typeIntoXterm(`touch ${markers.first}`);
  await waitFor('the typed command to run', () => existsSync(markers.first) || undefined, 20_000);
  await page.screenshot({ path: `${ARTIFACTS}console-desktop.png` });

  await page.getByTestId('desktop-view-only').check();
  await typeIntoXterm(`touch ${markers.viewOnly}`);
  await page.getByTestId('desktop-view-only').uncheck();
  await typeIntoXterm(`touch ${markers.last}`);
  await waitFor('the last command to run', () => existsSync(markers.last) || undefined, 20_000);
  // Typed before the last command: had the agent let it through, its file would exist by now.
  assert.equal(existsSync(markers.viewOnly), false, 'view-only keys never reached the device');

  await page.getByTestId('end-session').click();
  await page.locator('[data-testid=desktop-status][data-state=ended]').waitFor();

  // Three sessions (full, view-only, full), each recorded; the first lasts longest.
  const recordings = await waitFor('the desktop recordings to complete', async () => {
    const list = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
    const done = list.recordings.filter(
      (candidate) => candidate.format === 'tether-rfb-v1' && candidate.state === 'complete',
    );
    return done.length === 3 ? done : undefined;
  });
  const recording = recordings.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
  await page.goto(`${server.url}/recordings/${recording.id}`);
  await page.getByTestId('player-play').click();
  await page.getByRole('button', { name: 'Play' }).waitFor({ timeout: 60_000 }); // played to the end
  const colours = await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid=desktop-player-screen] canvas');
    if (!(canvas instanceof HTMLCanvasElement)) return 0;
    const { data } = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height) ?? {
      data: new Uint8ClampedArray(),
    };
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97)
      seen.add((data[i] ?? 0) * 65536 + (data[i + 1] ?? 0) * 256 + (data[i + 2] ?? 0));
    return seen.size;
  });
  assert.ok(colours >= 2, `the replayed screen is not blank (${colours} colours)`);
  await page.screenshot({ path: `${ARTIFACTS}console-desktop-replay.png` });
});

test('with the screen thumbnail statistic on, the device list shows the screen', async () => {
  const settings = await server.admin.request('PUT', '/api/v1/settings/statistics', {
    intervalSec: 5,
    enabled: ['uptime', 'screenThumbnail'],
  });
  assert.equal(settings.status, 200, settings.text);
  await waitFor(
    'a thumbnail from the agent',
    async () => {
      const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
      return list.devices.find((device) => device.id === deviceId)?.stats?.screenThumbnail;
    },
    30_000,
  );
  await page.goto(`${server.url}/devices`);
  const thumbnail = page
    .locator(`[data-testid=device-row][data-device-id="${deviceId}"]`)
    .getByTestId('device-thumbnail');
  await thumbnail.waitFor();
  await waitFor('the thumbnail to load', () =>
    thumbnail.evaluate((image: HTMLImageElement) => image.complete || undefined),
  );
  const size = await thumbnail.evaluate((image: HTMLImageElement) => [
    image.naturalWidth,
    image.naturalHeight,
  ]);
  assert.deepEqual(size, [160, 120], 'a valid PNG the browser decodes, scaled from 1024x768');
  await page.screenshot({ path: `${ARTIFACTS}console-device-thumbnail.png` });
});
