import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { RecordingList, SessionList } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { stopProcess, waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';
import { startXDesktop, type XDesktop } from '../support/x-desktop.js';

const run = promisify(execFile);
/** Where the xev window sits on the 1024x768 screen (clear of the xterm at the top left). */
const XEV = { x: 600, y: 420, width: 400, height: 300 };

let server: TestServer;
let desktop: XDesktop;
let browser: Browser;
let page: Page;
let deviceId: string;
let sessionId: string | undefined;
/** When the desktop session connected (ms since the epoch). */
let connectedAt = 0;
const helpers: ChildProcess[] = [];

/** Starts an X client on the test display, stopped in `after`; `output()` is its stdout. */
function startX(command: string, args: string[]): ChildProcess & { output(): string } {
  const child = spawn(command, args, {
    env: { ...process.env, DISPLAY: desktop.display },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  helpers.push(child);
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString('utf8')));
  return Object.assign(child, { output: () => output });
}

/**
 * The text x11vnc stored for X clients from a VNC client's clipboard: the root window's
 * CUT_BUFFER0, which it sets along with the selections (this x11vnc does not answer
 * selection requests, so the cut buffer is what X clients can read).
 */
async function deviceCutBuffer(): Promise<string> {
  const { stdout } = await run('xprop', ['-root', 'CUT_BUFFER0'], {
    env: { ...process.env, DISPLAY: desktop.display },
    timeout: 5000,
  });
  return stdout;
}

/** Clicks the remote screen at (x, y) in device pixels (the canvas is scaled to the window). */
async function clickScreen(x: number, y: number): Promise<void> {
  const canvas = page.getByTestId('desktop-screen').locator('canvas');
  const box = await canvas.boundingBox();
  assert.ok(box && box.width > 100, 'noVNC shows the screen');
  await canvas.click({ position: { x: (box.width * x) / 1024, y: (box.height * y) / 768 } });
}

before(async () => {
  desktop = await startXDesktop();
  server = await createTestServer();
  const agent = await server.startAgent({
    args: ['--vnc', `127.0.0.1:${desktop.vncPort}`, '--vnc-password-file', desktop.passwordFile],
  });
  deviceId = agent.device.id;
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  await page.goto(`${server.url}/devices/${deviceId}/desktop`);
  await page.locator('[data-testid=desktop-status][data-state=connected]').waitFor();
  connectedAt = Date.now();
  await page.getByTestId('desktop-screen').locator('canvas').waitFor();
  // The session the page shows: the one desktop session of the device still running.
  sessionId = await waitFor('one running desktop session', async () => {
    const list = (await server.admin.request('GET', `/api/v1/sessions?deviceId=${deviceId}`)).json(
      SessionList,
    );
    const running = list.sessions.filter(
      (session) => session.kind === 'desktop' && session.endedAt === null,
    );
    return running.length === 1 ? running[0]?.id : undefined;
  });
});
after(async () => {
  await Promise.all(helpers.map((child) => stopProcess(child)));
  await browser.close();
  await server.close();
  await desktop.close();
});

test('clipboard text goes from the console to the device and back', async () => {
  const toDevice = `to-device-${randomUUID()}`;
  await page.getByTestId('desktop-clipboard').fill(toDevice);
  await page.getByTestId('desktop-clipboard-send').click();
  await waitFor('the device to hold the text', async () =>
    (await deviceCutBuffer()).includes(`"${toDevice}"`) ? true : undefined,
  );

  // Copying on the device: x11vnc sends a changed cut buffer to its clients. It notices the
  // change on a periodic check (about every 15 s here), hence the long wait.
  const fromDevice = `from-device-${randomUUID()}`;
  await run('xprop', ['-root', '-format', 'CUT_BUFFER0', '8s', '-set', 'CUT_BUFFER0', fromDevice], {
    env: { ...process.env, DISPLAY: desktop.display },
    timeout: 5000,
  });
  await page
    .getByTestId('desktop-remote-clipboard')
    .filter({ hasText: `Device clipboard: ${fromDevice}` })
    .waitFor({ timeout: 45_000 });
});

test('Ctrl+Alt+Del and special keys reach the device', async () => {
  // Line-buffered: xev's stdout is a pipe here.
  const xev = startX('stdbuf', [
    '-oL',
    'xev',
    '-geometry',
    `${XEV.width}x${XEV.height}+${XEV.x}+${XEV.y}`,
    '-event',
    'structure',
    '-event',
    'keyboard',
  ]);
  await waitFor('the xev window to map', () =>
    xev.output().includes('MapNotify') ? true : undefined,
  );
  // No window manager: keys go to the window under the pointer, so point at xev.
  await clickScreen(XEV.x + XEV.width / 2, XEV.y + XEV.height / 2);
  await page.getByTestId('desktop-ctrl-alt-del').click();
  const pressedDelete = await waitFor('Delete to reach xev', () =>
    xev
      .output()
      .split(/\n(?=\S)/)
      .find((event) => event.startsWith('KeyPress') && event.includes('keysym 0xffff, Delete')),
  );
  const state = Number(/state (0x[0-9a-f]+)/.exec(pressedDelete)?.[1]);
  assert.equal(state & 0x0c, 0x0c, `Control (0x4) and Alt (0x8) held with Delete: ${state}`);

  await page.getByTestId('desktop-screen').locator('canvas').focus();
  for (const key of ['Escape', 'F2', 'Tab']) await page.keyboard.press(key);
  for (const keysym of ['0xff1b, Escape', '0xffbf, F2', '0xff09, Tab'])
    await waitFor(`${keysym} to reach xev`, () =>
      xev.output().includes(`keysym ${keysym}`) ? true : undefined,
    );
});

test('the quality and compression settings reach the VNC server', async () => {
  await page.getByTestId('desktop-quality').selectOption('2');
  await page.getByTestId('desktop-compression').selectOption('7');
  // x11vnc logs the levels each client's SetEncodings asks for.
  await waitFor('x11vnc to use quality 2', () =>
    /quality level 2\b/i.test(desktop.vncLog()) ? true : undefined,
  );
  await waitFor('x11vnc to use compression 7', () =>
    /compression level 7\b/i.test(desktop.vncLog()) ? true : undefined,
  );
});

test('full screen toggles on and off', async () => {
  const button = page.getByTestId('desktop-full-screen');
  await button.click();
  await page.waitForFunction(() => document.fullscreenElement?.classList.contains('desktop-page'));
  await page.locator('[data-testid=desktop-full-screen][aria-pressed=true]').waitFor();
  assert.equal(await button.textContent(), 'Exit full screen');
  await button.click();
  await page.waitForFunction(() => document.fullscreenElement === null);
  await page.locator('[data-testid=desktop-full-screen][aria-pressed=false]').waitFor();
});

test('the desktop player seeks and plays at the chosen speed', async () => {
  // The playback rate is measured over the recording: make it a few seconds long however fast
  // the tests before ran.
  await waitFor(
    'the session to have run 8 s',
    () => (Date.now() - connectedAt >= 8000 ? true : undefined),
    20_000,
  );
  await page.getByTestId('end-session').click();
  await page.locator('[data-testid=desktop-status][data-state=ended]').waitFor();
  const recording = await waitFor('the desktop recording to complete', async () => {
    const list = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
    const found = list.recordings.find((item) => item.sessionId === sessionId);
    return found?.state === 'complete' ? found : undefined;
  });
  assert.ok(recording.durationMs > 7000, `long enough to measure (${recording.durationMs} ms)`);
  await page.goto(`${server.url}/recordings/${recording.id}`);
  const seekBar = page.getByTestId('player-seek');
  await seekBar.and(page.locator(':enabled')).waitFor();
  const duration = Number(await seekBar.getAttribute('max'));

  await seekTo(duration);
  assert.match((await page.getByTestId('player-time').textContent()) ?? '', /^(\S+) \/ \1$/);
  await waitFor('the seeked-to screen to show', async () =>
    (await playerColours()) >= 2 ? true : undefined,
  );
  await seekTo(0);
  assert.match((await page.getByTestId('player-time').textContent()) ?? '', /^0:00 \//);

  await page.getByTestId('player-speed-4').click();
  await page.locator('[data-testid=player-speed-4][aria-pressed=true]').waitFor();
  await page.locator('[data-testid=player-play][aria-label=Play]').click();
  await page.locator('[data-testid=player-play][aria-label=Pause]').waitFor();
  const rate = await playbackRate();
  assert.ok(rate > 3.2 && rate < 4.8, `4× plays about four times real time (measured ${rate})`);
});

/** Moves the player's seek bar to `seconds`, as dragging it would. */
async function seekTo(seconds: number): Promise<void> {
  await page.getByTestId('player-seek').evaluate((input: HTMLInputElement, value) => {
    // React tracks the value it rendered: set it the way the browser does, then tell React.
    const descriptor = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
    descriptor?.set?.call(input, String(value));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, seconds);
  await waitFor('the player to show the new position', async () => {
    const value = Number(await page.getByTestId('player-seek').inputValue());
    return Math.abs(value - seconds) < 0.2 ? true : undefined;
  });
}

/** Distinct colours in a sample of the player's screen. */
function playerColours(): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid=desktop-player-screen] canvas');
    if (!(canvas instanceof HTMLCanvasElement) || canvas.width === 0) return 0;
    const { data } = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height) ?? {
      data: new Uint8ClampedArray(),
    };
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97)
      seen.add((data[i] ?? 0) * 65536 + (data[i + 1] ?? 0) * 256 + (data[i + 2] ?? 0));
    return seen.size;
  });
}

/**
 * Recording seconds per real second while playing, measured in the page: the position shown
 * changes at each player tick, and each change is timed to the animation frame that shows it.
 * Measures over 700 ms, or over what there is when playback reaches the end first; fails
 * rather than waits when the position does not move for 15 s. A string, so the test runner's
 * compiler adds no helpers the page lacks.
 */
async function playbackRate(): Promise<number> {
  const measured = await page.evaluate<{
    rate?: number;
    error?: string;
  }>(`new Promise((resolve) => {
    const input = document.querySelector('[data-testid=player-seek]');
    const samples = [];
    let last = input.value;
    const giveUp = setTimeout(() => resolve({ error: 'the position did not move: ' + last }), 15000);
    const frame = (now) => {
      if (input.value !== last) {
        last = input.value;
        samples.push([now, Number(last)]);
      }
      const first = samples[0];
      const latest = samples[samples.length - 1];
      const span = first ? latest[0] - first[0] : 0;
      const atEnd = Number(last) >= Number(input.max) - 0.05;
      if (span >= 700 || (atEnd && span >= 300)) {
        clearTimeout(giveUp);
        resolve({ rate: (latest[1] - first[1]) / (span / 1000) });
      } else if (atEnd && samples.length > 0) {
        clearTimeout(giveUp);
        resolve({ error: 'playback ended after ' + span + ' ms, too soon to measure' });
      } else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  })`);
  if (measured.rate === undefined)
    throw new Error(`Cannot measure the playback rate: ${measured.error}`);
  return measured.rate;
}
