import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { FilesTimelineEvent, RecordingList } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let browser: Browser;
let page: Page;
let deviceId: string;
/** The agent process, paused to hold a transfer mid-way. */
let agentPid: number;
let work: string;
let root: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'tether-files-console-'));
  root = join(work, 'shared');
  await mkdir(root);
  await writeFile(join(root, 'on-device.txt'), 'written on the device\n');
  server = await createTestServer();
  const agent = await server.startAgent({ args: ['--file-root', root] });
  deviceId = agent.device.id;
  agentPid = agent.pid;
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});
after(async () => {
  await browser.close();
  await server.close();
  await rm(work, { recursive: true, force: true });
});

test('a technician uploads and downloads a file in the console, and sees the timeline', async () => {
  await page.goto(`${server.url}/devices/${deviceId}`);
  await page.getByTestId('open-files').click();
  await page.locator('[data-testid=files-status][data-state=connected]').waitFor();
  await page.locator('[data-testid=file-row][data-name="on-device.txt"]').waitFor();

  const local = join(work, 'from-browser.txt');
  await writeFile(local, 'uploaded from the console\n');
  await enabledInput(page, 'files-upload-input').setInputFiles(local);
  await page
    .locator('[data-testid=transfer][data-direction=upload][data-state=done]')
    .waitFor({ timeout: 15_000 });
  assert.equal(
    await readFile(join(root, 'from-browser.txt'), 'utf8'),
    'uploaded from the console\n',
  );
  await page.locator('[data-testid=file-row][data-name="from-browser.txt"]').waitFor();

  const downloading = page.waitForEvent('download');
  await page
    .locator('[data-testid=file-row][data-name="on-device.txt"]')
    .getByTestId('file-download')
    .click();
  const download = await downloading;
  assert.equal(download.suggestedFilename(), 'on-device.txt');
  const saved = join(work, 'downloaded.txt');
  await download.saveAs(saved);
  assert.equal(await readFile(saved, 'utf8'), 'written on the device\n');

  await page.goto(`${server.url}/recordings`);
  const row = page.locator('[data-testid=recording-row]').first();
  await row.waitFor();
  await row.getByTestId('recording-play').click();
  const timeline = page.getByTestId('files-timeline');
  await timeline.waitFor({ timeout: 15_000 });
  await page.locator('[data-testid=timeline-event][data-op=upload][data-outcome=done]').waitFor();
  await page.locator('[data-testid=timeline-event][data-op=download][data-outcome=done]').waitFor();
});

test('a folder uploads with its subfolders, and a failed operation shows its error', async () => {
  await page.goto(`${server.url}/devices/${deviceId}/files`);
  await page.locator('[data-testid=files-status][data-state=connected]').waitFor();
  const folder = join(work, 'project');
  await mkdir(join(folder, 'src'), { recursive: true });
  await writeFile(join(folder, 'README'), 'top\n');
  await writeFile(join(folder, 'src', 'main.c'), 'int main(void) { return 0; }\n');
  await enabledInput(page, 'files-upload-folder-input').setInputFiles(folder);
  await page
    .locator('[data-testid=transfer][data-direction=upload][data-name="main.c"][data-state=done]')
    .waitFor({ timeout: 15_000 });
  await page
    .locator('[data-testid=transfer][data-direction=upload][data-name="README"][data-state=done]')
    .waitFor({ timeout: 15_000 });
  assert.equal(
    await readFile(join(root, 'project', 'src', 'main.c'), 'utf8'),
    'int main(void) { return 0; }\n',
  );
  assert.equal(await readFile(join(root, 'project', 'README'), 'utf8'), 'top\n');

  page.once('dialog', (dialog) => void dialog.accept('project'));
  await page.getByRole('button', { name: 'New folder' }).click();
  const error = page.getByTestId('files-error');
  await error.waitFor();
  assert.match(await error.innerText(), /already exists; choose another name/);
});

test('an upload cut by the end of the session resumes after reconnecting', async () => {
  await page.goto(`${server.url}/devices/${deviceId}/files`);
  await page.locator('[data-testid=files-status][data-state=connected]').waitFor();
  const big = join(work, 'big-upload.bin');
  const handle = await open(big, 'w');
  const block = Buffer.alloc(4 * 1024 * 1024);
  for (let index = 0; index < 64; index += 1) {
    randomFillSync(block);
    await handle.write(block);
  }
  await handle.close();
  const expected = createHash('sha256')
    .update(await readFile(big))
    .digest('hex');

  await enabledInput(page, 'files-upload-input').setInputFiles(big);
  const transfer = page.locator('[data-testid=transfer][data-name="big-upload.bin"]');
  await transfer.and(page.locator('[data-state=running]')).waitFor();
  // Once bytes flow (the device accepted the upload), pausing the agent holds the upload
  // mid-way (its credit window stops it): the session ends before the upload could finish
  // however fast the machine is. The device's partial file is watched, not the progress bar:
  // the page shows progress a render later, by which time a fast upload may be done.
  const partial = join(root, '.big-upload.bin.tether-part');
  await waitFor('the device to write the upload', async () =>
    ((await stat(partial).catch(() => undefined))?.size ?? 0) > 0 ? true : undefined,
  );
  process.kill(agentPid, 'SIGSTOP');
  try {
    await page.getByTestId('files-end-session').click();
    await transfer.and(page.locator('[data-state=interrupted]')).waitFor({ timeout: 15_000 });
  } finally {
    process.kill(agentPid, 'SIGCONT');
  }
  await page.getByTestId('files-reconnect').click();
  await page.locator('[data-testid=files-status][data-state=connected]').waitFor();
  await transfer.getByRole('button', { name: 'Resume' }).click();
  await transfer.and(page.locator('[data-state=done]')).waitFor({ timeout: 60_000 });
  assert.equal(await transfer.getByTestId('transfer-sha256').innerText(), expected);
  const onDevice = createHash('sha256')
    .update(await readFile(join(root, 'big-upload.bin')))
    .digest('hex');
  assert.equal(onDevice, expected);

  // The second session's timeline shows the upload starting where the first one was cut. It is
  // still running, so its last events reach the disk with the recorder's next chunk.
  const offsets = await waitFor('both attempts in the recordings', async () => {
    const found = await uploadStarts('big-upload.bin');
    return found.length === 2 ? found : undefined;
  });
  assert.ok(offsets.includes(0), 'the first attempt started at 0');
  assert.ok(
    offsets.some((offset) => offset > 0),
    `the resume continued (${offsets.join(', ')})`,
  );
});

/** The offsets at which uploads of `name` started, from every files recording's timeline. */
async function uploadStarts(name: string): Promise<number[]> {
  const recordings = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
  const offsets: number[] = [];
  for (const recording of recordings.recordings) {
    const content = await server.admin.request('GET', `/api/v1/recordings/${recording.id}/content`);
    for (const line of content.text.split('\n').slice(1)) {
      if (!line.includes(name) || !line.includes('"outcome":"started"')) continue;
      offsets.push(FilesTimelineEvent.parse(JSON.parse(line)).offset ?? -1);
    }
  }
  return offsets;
}

/** An upload input once the first listing arrived: until then it is disabled (no folder yet). */
function enabledInput(page: Page, testId: string) {
  return page.locator(`[data-testid=${testId}]:not([disabled])`);
}
