// Agent builds and per-device upgrades in the consoles: a build uploaded and deleted at
// /conf/upgrades, and the Upgrade button of a device page with the upgrade's progress, its end,
// and a rollback the agent reported.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { DeviceList, UpgradeOverview } from '@tether/protocol';
import {
  launchBrowser,
  newConsolePage,
  signIn,
} from '../../packages/console/test/support/browser.js';
import { adminClient } from '../support/admin-client.js';
import {
  createInstall,
  scratchDir,
  storeBuild,
  superviseLauncher,
  type SupervisedAgent,
} from '../support/agent-upgrade-fixture.js';
import { runCli, waitFor } from '../support/cli.js';
import type { HttpsClient } from '../support/https-client.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);
const OLD = '0.1.0-console.1';
const NEW = '0.1.0-console.2';
const BROKEN = '0.1.0-console.3';
const UPLOADED = '0.1.0-console.9';

let server: TestServer;
let conf: HttpsClient;
let browser: Browser;
let adminPage: Page;
let page: Page;
let scratch: string;
let installDir: string;
let agentDataDir: string;
let agent: SupervisedAgent | undefined;
let deviceId: string;

async function deviceVersion(): Promise<string | undefined> {
  const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  const device = list.devices.find((candidate) => candidate.id === deviceId);
  return device?.online ? device.agentVersion : undefined;
}

async function setTarget(targetVersion: string): Promise<void> {
  const saved = await conf.request('PUT', '/conf/api/upgrades/settings', {
    mode: 'disabled',
    targetVersion,
    bandwidthBytesPerSec: 50 * 1024 * 1024,
    maxConcurrent: 10,
  });
  assert.equal(saved.status, 200, saved.text);
}

/** A `.tar.gz` of a build folder whose runtime looks like a Linux x86-64 Node (never run). */
async function buildArchive(version: string): Promise<string> {
  const dir = join(scratch, `build-${version}`);
  await mkdir(join(dir, `versions/${version}/runtime`), { recursive: true });
  await mkdir(join(dir, `versions/${version}/app`), { recursive: true });
  await writeFile(join(dir, 'tether-agent'), '#!/bin/sh\n', { mode: 0o755 });
  const elf = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elf);
  elf.writeUInt16LE(0x3e, 18);
  await writeFile(join(dir, `versions/${version}/runtime/node`), elf, { mode: 0o755 });
  await writeFile(join(dir, `versions/${version}/app/tether-agent.mjs`), 'export {};\n');
  const archive = join(scratch, `tether-agent-${version}.tar.gz`);
  await run('tar', ['-czf', archive, '-C', dir, '.']);
  return archive;
}

before(async () => {
  server = await createTestServer();
  conf = adminClient(server);
  scratch = await scratchDir('console-builds-');
  installDir = await createInstall(OLD);
  agentDataDir = await scratchDir('agent-data-');
  const { token } = await server.createInstaller();
  const enrolled = await runCli([
    'agent',
    'enroll',
    ...['--server', server.url, '--token', token, '--data-dir', agentDataDir],
  ]);
  assert.equal(enrolled.code, 0, enrolled.stderr);
  deviceId = /device ([0-9a-f-]{36})/.exec(enrolled.stdout)?.[1] ?? '';
  agent = superviseLauncher(installDir, [
    ...['run', '--data-dir', agentDataDir, '--log-level', 'info', '--no-spare-shell'],
  ]);
  await waitFor(
    'the installed agent to come online',
    async () => ((await deviceVersion()) === OLD ? true : undefined),
    120_000,
  );
  browser = await launchBrowser();
  adminPage = await newConsolePage(browser, server.adminUrl);
  await signIn(adminPage, { username: 'admin', password: ADMIN_PASSWORD });
  page = await newConsolePage(browser, server.url);
  await signIn(page, { username: 'admin', password: ADMIN_PASSWORD });
});

after(async () => {
  await browser.close();
  await agent?.stop();
  await server.close();
  for (const dir of [scratch, installDir, agentDataDir])
    await rm(dir, { recursive: true, force: true });
});

test('an administrator uploads an agent build at /conf/upgrades, sees it listed, and deletes it; a bad file is refused', async () => {
  await adminPage.goto('/conf/upgrades');
  const form = adminPage.getByTestId('build-upload-form');
  await form.waitFor();

  await adminPage.getByTestId('build-upload-file').setInputFiles({
    name: 'not-a-build.tar.gz',
    mimeType: 'application/gzip',
    buffer: Buffer.from('not an archive at all'),
  });
  await adminPage.getByTestId('build-upload-submit').click();
  await form.getByText('not a gzip-compressed archive').waitFor();

  await adminPage.getByTestId('build-upload-file').setInputFiles(await buildArchive(UPLOADED));
  await adminPage.getByTestId('build-upload-submit').click();
  await form.getByText(`Added agent ${UPLOADED} for x64`).waitFor();
  const row = adminPage.getByTestId(`build-${UPLOADED}-x64`);
  await row.getByText('Uploaded').waitFor();
  const overview = (await conf.request('GET', '/conf/api/upgrades')).json(UpgradeOverview);
  assert.ok(overview.builds.some((build) => build.version === UPLOADED));

  adminPage.once('dialog', (dialog) => void dialog.accept());
  await adminPage.getByTestId(`build-delete-${UPLOADED}`).click();
  await row.waitFor({ state: 'detached' });
  const after = (await conf.request('GET', '/conf/api/upgrades')).json(UpgradeOverview);
  assert.ok(!after.builds.some((build) => build.version === UPLOADED));
});

test('the Upgrade button of a device page upgrades its agent and shows the progress to the end', async () => {
  await storeBuild(server.dataDir, NEW, 'agent');
  await setTarget(NEW);
  await page.goto(`/devices/${deviceId}`);
  const panel = page.getByTestId('device-upgrade');
  await panel.getByText(`Upgrade to ${NEW}`).click();
  await panel.getByText('Upgrade queued.').waitFor();
  await panel
    .locator('[data-testid=device-upgrade-state][data-state=installed]')
    .waitFor({ timeout: 120_000 });
  assert.equal(await waitFor('the new version online', deviceVersion), NEW);
});

test('a build that fails to start is rolled back, and the device page says so with the agent’s reason', async () => {
  await storeBuild(server.dataDir, BROKEN, 'broken');
  await setTarget(BROKEN);
  await page.goto(`/devices/${deviceId}`);
  const panel = page.getByTestId('device-upgrade');
  await panel.getByText(`Upgrade to ${BROKEN}`).click();
  await panel
    .locator('[data-testid=device-upgrade-state][data-state=rolled-back]')
    .waitFor({ timeout: 120_000 });
  const reason = await panel.getByTestId('device-upgrade-reason').textContent();
  assert.match(reason ?? '', /failed to start 2 times/);
  await panel.getByText('Rolled back').waitFor();
});
