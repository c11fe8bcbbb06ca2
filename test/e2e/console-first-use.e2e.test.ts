import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { z } from 'zod';
import {
  CreateUnattendedResponse,
  EnrollResponse,
  ErrorBody,
  TETHER_VERSION,
} from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { cliArgs, runCli, stopProcess, waitFor } from '../support/cli.js';
import { createTestServer, ADMIN_PASSWORD, type TestServer } from '../support/test-server.js';

// What a new administrator meets first (issue 10): reasons instead of "connection lost",
// recordings to download, a form that survives a wrong password, a phone-sized and a dark
// console, and device names that cannot hide characters.

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const PHONE = { width: 390, height: 844 };

let server: TestServer;
let browser: Browser;
let page: Page;
let deviceId: string;

before(async () => {
  server = await createTestServer();
  // Before the agent, which is what a loaded machine is slow to start: `after` then still
  // finds both and stops them, instead of the file hanging on a live server.
  browser = await launchBrowser();
  deviceId = (await server.startAgent()).device.id; // no --vnc: this agent has no desktop
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  await mkdir(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser.close();
  await server.close();
});

test('Open desktop is disabled with the reason when the agent has no VNC server, and the desktop page shows the server’s reason', async () => {
  await page.goto(`${server.url}/devices/${deviceId}`);
  const openDesktop = page.getByTestId('open-desktop');
  await openDesktop.waitFor();
  assert.equal(await openDesktop.isDisabled(), true);
  assert.match((await openDesktop.getAttribute('title')) ?? '', /--vnc HOST:PORT/);
  assert.match(await page.getByTestId('desktop-unavailable').innerText(), /--vnc HOST:PORT/);
  assert.equal(await page.getByTestId('open-terminal').isDisabled(), false);
  await page.screenshot({ path: `${ARTIFACTS}console-no-desktop.png` });

  // Opened anyway (a bookmark): the page says why it ended, not "the connection was lost".
  await page.goto(`${server.url}/devices/${deviceId}/desktop`);
  const status = page.locator('[data-testid=desktop-status][data-state=ended]');
  await status.waitFor({ timeout: 30_000 });
  const reason = await waitForText(page.getByTestId('desktop-status'), /--vnc HOST:PORT/);
  assert.doesNotMatch(reason, /connection was lost/);
});

test('a terminal recording downloads as asciicast v2 from the list and from the player, whose controls fit a 1440×900 window', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${server.url}/devices/${deviceId}/terminal`);
  await page.locator('[data-testid=terminal-status][data-state=connected]').waitFor();
  await page.getByTestId('terminal').click();
  await page.keyboard.type(
    'for i in $(seq 1 80); do echo "row-$i"; done; echo "done-$((40 + 2))"\n',
  );
  await page.getByTestId('terminal').getByText('done-42').first().waitFor({ timeout: 15_000 });
  await page.getByTestId('end-session').click();
  await page.locator('[data-testid=terminal-status][data-state=ended]').waitFor();

  await page.goto(`${server.url}/recordings`);
  const row = page.getByTestId('recording-row').first();
  await row.waitFor();
  const fromList = await downloadText(page, row.getByTestId('recording-download'));
  assert.match(fromList.name, /\.cast$/);
  const [header, ...events] = fromList.text.trimEnd().split('\n');
  assert.equal((JSON.parse(header ?? '{}') as { version?: number }).version, 2);
  assert.ok(
    events.some((line) => line.includes('done-42')),
    'the output is in the file',
  );

  await row.getByTestId('recording-play').click();
  const controls = page.getByTestId('player-controls');
  await controls.waitFor();
  const box = await controls.boundingBox();
  assert.ok(box && box.y + box.height <= 900, `controls end at ${JSON.stringify(box)}`);
  const fromPlayer = await downloadText(page, page.getByTestId('recording-download'));
  assert.equal(fromPlayer.text, fromList.text);
  await page.screenshot({ path: `${ARTIFACTS}console-player-1440.png` });
});

test('a wrong one-time password on Connect keeps the form and says why', async () => {
  const created = (await server.admin.request('POST', '/api/v1/unattended', { deviceId })).json(
    CreateUnattendedResponse,
  );
  await page.goto(`${server.url}/connect`);
  await page.getByTestId('connect-id').fill(created.access.id);
  await page.getByTestId('connect-password').fill('not-the-password');
  await page.getByTestId('connect-kind').selectOption('files');
  await page.getByTestId('connect-submit').click();
  await page.getByTestId('connect-form').locator('.notice-error').waitFor();
  assert.equal(new URL(page.url()).pathname, '/connect');
  assert.equal(await page.getByTestId('connect-id').inputValue(), created.access.id);
  assert.equal(await page.getByTestId('connect-password').inputValue(), 'not-the-password');
  assert.equal(await page.getByTestId('connect-kind').inputValue(), 'files');

  // The right one opens the session page, which joins the session the form opened.
  await page.getByTestId('connect-password').fill(created.password);
  await page.getByTestId('connect-submit').click();
  await page.locator('[data-testid=files-status][data-state=connected]').waitFor();
  await page.getByTestId('files-end-session').click();
});

test('bidi controls and zero-width characters in device metadata are shown as escapes', async () => {
  const { token } = await server.createInstaller({ group: 'Spoof\u200Bgroup' });
  const publicKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '';
  const enrolled = await server.client().request('POST', '/api/v1/agent/enroll', {
    token,
    publicKey,
    inventory: {
      hostname: 'invoice\u202Egnp.exe',
      os: { platform: 'linux', release: '6', name: 'Debian\u2066 12', arch: 'x64' },
      agentVersion: TETHER_VERSION,
    },
  });
  assert.equal(enrolled.status, 200, enrolled.text);
  const spoofId = enrolled.json(EnrollResponse).deviceId;
  await page.goto(`${server.url}/devices`);
  const row = page.locator(`[data-testid=device-row][data-device-id="${spoofId}"]`);
  await row.waitFor();
  const text = await row.innerText();
  assert.ok(text.includes('invoice⟦U+202E⟧gnp.exe'), text);
  assert.ok(text.includes('Spoof⟦U+200B⟧group'), text);
  assert.ok(text.includes('Debian⟦U+2066⟧ 12'), text);
  assert.ok(!/[\u200B\u202E\u2066]/.test(text), 'no invisible character reaches the page');
  await page.goto(`${server.url}/devices/${spoofId}`);
  const details = await page.getByTestId('device-details').innerText();
  assert.ok(details.includes('invoice⟦U+202E⟧gnp.exe'), details);
  // The audit log quotes what the device reported (its hostname, its group) the same way.
  await page.goto(`${server.url}/audit`);
  const enrolment = page.locator(
    `[data-testid=audit-row][data-action="device.enrolled"][data-device-id="${spoofId}"]`,
  );
  const logged = await enrolment.innerText();
  assert.ok(logged.includes('hostname=invoice⟦U+202E⟧gnp.exe'), logged);
  assert.ok(logged.includes('group=Spoof⟦U+200B⟧group'), logged);
  const table = await page.getByTestId('audit-table').innerText();
  assert.ok(!/[\u200B\u202E\u2066]/.test(table), 'no invisible character reaches the audit log');
});

test('a policy cannot be assigned to a group that does not exist: 422 naming the group; the console offers only existing groups', async () => {
  const policy = (
    await server.admin.request('POST', '/api/v1/policies', { name: 'Typo test', settings: {} })
  ).json(z.object({ policy: z.object({ id: z.string() }) }));
  const refused = await server.admin.request(
    'PUT',
    `/api/v1/policies/${policy.policy.id}/assignments`,
    { assignments: [{ type: 'group', group: 'Test devcies' }] },
  );
  assert.equal(refused.status, 422, refused.text);
  assert.match(refused.json(ErrorBody).message, /no device group "Test devcies"\. Create it first/);

  // The console offers only the groups that exist: the typo cannot be entered there.
  await page.goto(`${server.url}/policies/${policy.policy.id}`);
  const picker = page.getByTestId('policy-assign-group');
  await picker.locator('option', { hasText: 'Default' }).waitFor({ state: 'attached' });
  const offered = await picker.locator('option').allInnerTexts();
  assert.ok(offered.includes('Default'), offered.join(', '));
  assert.ok(!offered.includes('Test devcies'), offered.join(', '));
  const kept = await server.admin.request('GET', `/api/v1/policies/${policy.policy.id}`);
  assert.ok(!kept.text.includes('Test devcies'), 'nothing was saved');
});

test('malformed URLs and bad IDs get {code, message} in plain words', async () => {
  const badUrl = await server.admin.request('GET', '/api/v1/devices/%ZZ');
  assert.equal(badUrl.status, 400, badUrl.text);
  assert.deepEqual(Object.keys(JSON.parse(badUrl.text) as object).sort(), ['code', 'message']);
  assert.match(badUrl.json(ErrorBody).message, /not a valid URL/);

  const badId = await server.admin.request('GET', '/api/v1/devices/web-01');
  assert.equal(badId.json(ErrorBody).code, 'INVALID_INPUT');
  assert.equal(badId.json(ErrorBody).message, 'The device ID must be a UUID.');

  const badBody = await server.admin.request('POST', '/api/v1/sessions', {
    deviceId: 'web-01',
    kind: 'terminal',
  });
  assert.match(badBody.json(ErrorBody).message, /deviceId must be a device ID \(a UUID\)/);
  assert.doesNotMatch(badBody.text, /\(body\)|Invalid UUID/);
});

test('at 390×844 no page scrolls sideways and every navigation item is on the dark bar, in light and dark themes', async () => {
  const phone = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: PHONE,
    baseURL: server.url,
  });
  const mobile = await phone.newPage();
  await mobile.goto(server.url);
  await signIn(mobile, { username: 'admin', password: ADMIN_PASSWORD });
  for (const scheme of ['light', 'dark'] as const) {
    await mobile.emulateMedia({ colorScheme: scheme });
    for (const path of ['/devices', `/devices/${deviceId}`, '/recordings', '/policies', '/audit']) {
      await mobile.goto(`${server.url}${path}`);
      await mobile.locator('.page h1').first().waitFor();
      const widths = await mobile.evaluate(() => ({
        scroll: document.scrollingElement?.scrollWidth ?? 0,
        inner: window.innerWidth,
      }));
      assert.ok(widths.scroll <= widths.inner, `${scheme} ${path}: ${JSON.stringify(widths)}`);
      const bar = await mobile.locator('.nav-bar').boundingBox();
      const offBar: string[] = [];
      for (const link of await mobile.locator('.nav-links a').all()) {
        const box = await link.boundingBox();
        if (
          !bar ||
          !box ||
          box.x + box.width > bar.x + bar.width ||
          box.y + box.height > bar.y + bar.height
        )
          offBar.push(await link.innerText());
      }
      assert.deepEqual(offBar, [], `${scheme} ${path}: links outside the navigation bar`);
    }
    await mobile.goto(`${server.url}/devices/${deviceId}`);
    await mobile.getByTestId('device-details').waitFor();
    await mobile.screenshot({ path: `${ARTIFACTS}console-phone-${scheme}.png`, fullPage: true });
  }
  // Dark follows the system: dark page, light text, readable contrast.
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  const colors = await mobile.evaluate(() => {
    const body = getComputedStyle(document.body);
    const card = getComputedStyle(document.querySelector('.card') ?? document.body);
    const muted = getComputedStyle(document.querySelector('.facts dt') ?? document.body);
    return {
      page: body.backgroundColor,
      text: body.color,
      card: card.backgroundColor,
      muted: muted.color,
    };
  });
  const contrast = {
    background: luminance(colors.page),
    text: contrastRatio(colors.text, colors.card),
    muted: contrastRatio(colors.muted, colors.card),
  };
  assert.ok(contrast.background < 0.05, `a dark background: ${JSON.stringify(contrast)}`);
  assert.ok(contrast.text >= 7, `text contrast: ${JSON.stringify(contrast)}`);
  assert.ok(contrast.muted >= 4.5, `muted text contrast: ${JSON.stringify(contrast)}`);
  await phone.close();
});

test('agent enroll prints the exact command that runs the agent, data directory included', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tether agent ')); // a space, to need quoting
  try {
    const { token } = await server.createInstaller();
    const enrolled = await runCli([
      'agent',
      'enroll',
      '--server',
      server.url,
      '--token',
      token,
      '--data-dir',
      dataDir,
    ]);
    assert.equal(enrolled.code, 0, enrolled.stderr);
    const command = /Start it with: (tether agent run .*)$/m.exec(enrolled.stdout)?.[1] ?? '';
    assert.equal(command, `tether agent run --data-dir '${dataDir}'`);
    const enrolledId = /device ([0-9a-f-]{36})/.exec(enrolled.stdout)?.[1];

    // The line works as printed, read by a shell (`tether` being this checkout's CLI).
    const tether = [process.execPath, ...cliArgs([])].join(' ');
    const agent = spawn('sh', ['-c', `exec ${command.replace(/^tether/, tether)}`], {
      stdio: 'ignore',
    });
    try {
      await waitFor(
        'the agent started with the printed command to come online',
        async () =>
          (await server.admin.request('GET', `/api/v1/devices/${enrolledId ?? ''}`)).text.includes(
            '"online":true',
          ) || undefined,
        60_000,
      );
    } finally {
      await stopProcess(agent);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** Waits until a locator's text matches (it may first show a vaguer reason); returns it. */
async function waitForText(locator: ReturnType<Page['getByTestId']>, pattern: RegExp) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await locator.innerText();
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`"${text}" never matched ${String(pattern)}`);
    await locator.page().waitForTimeout(200);
  }
}

/** Relative luminance of a CSS `rgb(…)` colour (WCAG 2). */
function luminance(color: string): number {
  const [r = 0, g = 0, b = 0] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((part) => {
    const value = Number(part) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1–21). */
function contrastRatio(a: string, b: string): number {
  const [high = 0, low = 0] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

/** Clicks a download link and returns the saved file's name and text. */
async function downloadText(
  on: Page,
  link: ReturnType<Page['getByTestId']>,
): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([on.waitForEvent('download'), link.click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}
