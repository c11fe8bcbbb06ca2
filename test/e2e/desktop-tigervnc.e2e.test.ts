import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';
import { startTigerVncDesktop, type XDesktop } from '../support/x-desktop.js';

const run = promisify(execFile);
const base = `/tmp/tether-tigervnc-${randomUUID()}`;
const markers = { viewOnly: `${base}-view-only`, full: `${base}-full` };

let server: TestServer;
let desktop: Omit<XDesktop, 'passwordFile'>;
let browser: Browser;
let page: Page;
let deviceId: string;

before(async () => {
  desktop = await startTigerVncDesktop();
  await waitFor('the xterm window', async () => {
    const { stdout } = await run('xwininfo', ['-root', '-tree'], {
      env: { ...process.env, DISPLAY: desktop.display },
    });
    return /"xterm"/.test(stdout) ? true : undefined;
  });
  server = await createTestServer();
  deviceId = (await server.startAgent({ args: ['--vnc', `127.0.0.1:${desktop.vncPort}`] })).device
    .id;
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await server.close();
  await desktop.close();
  await Promise.all(Object.values(markers).map((file) => rm(file, { force: true })));
});

/** Toggles view-only, which replaces the session: waits until the new one shows the screen. */
async function setViewOnly(isViewOnly: boolean): Promise<void> {
  const old = await page.getByTestId('desktop-screen').locator('canvas').elementHandle();
  await page.getByTestId('desktop-view-only').setChecked(isViewOnly);
  await waitFor('the previous session to go', async () =>
    (await old.evaluate((canvas) => canvas.isConnected)) ? undefined : true,
  );
}

/** Clicks into the xterm (top left of the screen) and types a command. */
async function typeIntoXterm(text: string): Promise<void> {
  await page.locator('[data-testid=desktop-status][data-state=connected]').waitFor();
  const canvas = page.getByTestId('desktop-screen').locator('canvas');
  const box = await waitFor('noVNC to show the screen', async () => {
    const found = await canvas.boundingBox();
    return found && found.width > 100 ? found : undefined;
  });
  await canvas.click({ position: { x: box.width * 0.2, y: box.height * 0.2 } });
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

test('with TigerVNC (QEMU extended keys, fences, continuous updates) typing works, and view-only drops it', async () => {
  await page.goto(`${server.url}/devices/${deviceId}/desktop`);
  await page.getByTestId('desktop-screen').locator('canvas').waitFor();
  await setViewOnly(true);
  await typeIntoXterm(`touch ${markers.viewOnly}`);
  await setViewOnly(false);
  await typeIntoXterm(`touch ${markers.full}`);
  await waitFor('the typed command to run', () => existsSync(markers.full) || undefined, 20_000);
  // Typed first: had the agent let it through, its file would exist by now.
  assert.equal(existsSync(markers.viewOnly), false, 'view-only keys never reached the device');
  assert.equal(
    await page.locator('[data-testid=desktop-status]').getAttribute('data-state'),
    'connected',
    'the agent kept the session open through the extension messages',
  );
  // The keys came as QEMU extended key events (TigerVNC announced them): each carries an XT
  // keycode, which a plain KeyEvent does not (TigerVNC then logs "/ 0x0").
  assert.match(desktop.vncLog(), /Key pressed: 0x[0-9a-f]+ \/ 0x[1-9a-f]/);
});
