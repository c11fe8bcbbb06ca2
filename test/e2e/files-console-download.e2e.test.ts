import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const MiB = 1024 * 1024;
/** Far more than the console's few queued chunks, so only streaming keeps the page small. */
const BIG_BYTES = 64 * MiB;

let server: TestServer;
let browser: Browser;
let page: Page;
let deviceId: string;
let work: string;
let root: string;

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'tether-console-download-'));
  root = join(work, 'shared');
  await mkdir(join(root, 'project', 'sub'), { recursive: true });
  await writeFile(join(root, 'big.bin'), randomFillSync(Buffer.alloc(BIG_BYTES)));
  await writeFile(join(root, 'project', 'a.txt'), 'in the folder\n');
  await writeFile(join(root, 'project', 'sub', 'b.txt'), 'in the subfolder\n');
  await symlink('/etc/hostname', join(root, 'project', 'link-out'));
  server = await createTestServer();
  deviceId = (await server.startAgent({ args: ['--file-root', root] })).device.id;
  browser = await launchBrowser();
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
  await page.goto(`${server.url}/devices/${deviceId}/files`);
  await page.locator('[data-testid=files-status][data-state=connected]').waitFor();
});
after(async () => {
  await browser.close();
  await server.close();
  await rm(work, { recursive: true, force: true });
});

/** Clicks a row's download button and waits for the browser download it starts. */
async function downloadRow(name: string): Promise<{ file: string; suggested: string }> {
  const downloading = page.waitForEvent('download');
  await page
    .locator(`[data-testid=file-row][data-name="${name}"]`)
    .getByTestId('file-download')
    .click();
  const download = await downloading;
  const file = join(work, `got-${name}`);
  await download.saveAs(file);
  return { file, suggested: download.suggestedFilename() };
}

test('a big download streams to disk through the service worker and arrives intact', async () => {
  const { file, suggested } = await downloadRow('big.bin');
  assert.equal(suggested, 'big.bin');
  const transfer = page.locator('[data-testid=transfer][data-name="big.bin"]');
  await transfer.and(page.locator('[data-state=done]')).waitFor({ timeout: 30_000 });
  assert.equal(await transfer.getAttribute('data-storage'), 'streaming');
  const expected = await sha256Of(join(root, 'big.bin'));
  assert.equal(await sha256Of(file), expected);
  assert.equal(await transfer.getByTestId('transfer-sha256').textContent(), expected);
});

test('a folder downloads from the console as a tar, without what leads out of the roots', async () => {
  const { file, suggested } = await downloadRow('project');
  assert.equal(suggested, 'project.tar');
  const transfer = page.locator('[data-testid=transfer][data-name="project.tar"]');
  await transfer.and(page.locator('[data-state=done]')).waitFor({ timeout: 30_000 });
  assert.equal(await transfer.getAttribute('data-archive'), 'tar');
  assert.match((await transfer.getByTestId('transfer-skipped').textContent()) ?? '', /^1 skipped/);
  const sha256 = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  assert.equal(await transfer.getByTestId('transfer-sha256').textContent(), sha256);
  const listing = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listing.sort(), [
    'project/',
    'project/a.txt',
    'project/sub/',
    'project/sub/b.txt',
  ]);
});

/**
 * Stands in for the save dialog (which a headless browser cannot show): the "picked" file is a
 * real file of the origin's private file system, written through the same writable stream API.
 */
const PICKER_IN_PRIVATE_FILE_SYSTEM = `window.showSaveFilePicker = async ({ suggestedName }) => {
  const root = await navigator.storage.getDirectory();
  return root.getFileHandle('picked-' + suggestedName, { create: true });
};`;

/** Size and SHA-256 of a file in the page's private file system. */
const PICKED_FILE_DIGEST = `(async () => {
  const root = await navigator.storage.getDirectory();
  const file = await (await root.getFileHandle('picked-big.bin')).getFile();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  return [file.size, Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')];
})()`;

test('without a service worker, a download is written to the file the technician picks', async () => {
  const picking = await newConsolePage(browser, server.url, {
    serviceWorkers: 'block',
    initScript: PICKER_IN_PRIVATE_FILE_SYSTEM,
  });
  try {
    await signIn(picking, { username: 'admin', password: ADMIN_PASSWORD });
    await picking.goto(`${server.url}/devices/${deviceId}/files`);
    await picking.locator('[data-testid=files-status][data-state=connected]').waitFor();
    await picking
      .locator('[data-testid=file-row][data-name="big.bin"]')
      .getByTestId('file-download')
      .click();
    const transfer = picking.locator('[data-testid=transfer][data-name="big.bin"]');
    await transfer.and(picking.locator('[data-state=done]')).waitFor({ timeout: 30_000 });
    assert.equal(await transfer.getAttribute('data-storage'), 'file');
    const [size, sha256] = await picking.evaluate<[number, string]>(PICKED_FILE_DIGEST);
    assert.equal(size, BIG_BYTES);
    assert.equal(sha256, await sha256Of(join(root, 'big.bin')));
  } finally {
    await picking.context().close();
  }
});
