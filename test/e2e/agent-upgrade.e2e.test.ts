import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeviceList, UpgradeOverview, type DeviceUpgrade } from '@tether/protocol';
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
import { createTestServer, type TestServer } from '../support/test-server.js';

// Agent upgrades end to end: an agent installed in the package layout and run by its
// launcher the way the service unit does (started again whenever it exits) takes a real second
// build from the server, and rolls a broken one back.

const OLD = '0.1.0-test.1';
const NEW = '0.1.0-test.2';
const BROKEN = '0.1.0-test.3';

let server: TestServer;
let conf: HttpsClient;
let installDir: string;
let agentDataDir: string;
let agent: SupervisedAgent | undefined;
let deviceId: string;

async function deviceVersion(): Promise<string | undefined> {
  const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  const device = list.devices.find((candidate) => candidate.id === deviceId);
  return device?.online ? device.agentVersion : undefined;
}

async function upgradeOf(version: string): Promise<DeviceUpgrade | undefined> {
  const overview = (await conf.request('GET', '/conf/api/upgrades')).json(UpgradeOverview);
  return overview.upgrades.find((row) => row.deviceId === deviceId && row.toVersion === version);
}

async function setTarget(targetVersion: string): Promise<void> {
  const saved = await conf.request('PUT', '/conf/api/upgrades/settings', {
    mode: 'always',
    targetVersion,
    bandwidthBytesPerSec: 50 * 1024 * 1024,
    maxConcurrent: 10,
  });
  assert.equal(saved.status, 200, saved.text);
}

before(async () => {
  server = await createTestServer();
  conf = adminClient(server);
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
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${agent?.output() ?? ''}`);
  });
});

after(async () => {
  await agent?.stop();
  await server.close();
  await rm(installDir, { recursive: true, force: true });
  await rm(agentDataDir, { recursive: true, force: true });
});

test('a target version the server holds no build of is refused, nothing changed', async () => {
  const refused = await conf.request('PUT', '/conf/api/upgrades/settings', {
    mode: 'always',
    targetVersion: '9.9.9',
    bandwidthBytesPerSec: 1024 * 1024,
    maxConcurrent: 1,
  });
  assert.equal(refused.status, 422);
  assert.match(refused.text, /no agent build of version 9\.9\.9/);
  const overview = (await conf.request('GET', '/conf/api/upgrades')).json(UpgradeOverview);
  assert.equal(overview.settings.mode, 'disabled');
});

test('an installed agent upgrades itself to a real second build and confirms it', async () => {
  await storeBuild(server.dataDir, NEW, 'agent');
  await setTarget(NEW);
  const installed = await waitFor(
    'the upgrade to be installed',
    async () => {
      const upgrade = await upgradeOf(NEW);
      assert.notEqual(upgrade?.state, 'failed', upgrade?.reason);
      return upgrade?.state === 'installed' && (await deviceVersion()) === NEW
        ? upgrade
        : undefined;
    },
    120_000,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${agent?.output() ?? ''}`);
  });
  assert.equal(installed.fromVersion, OLD);
  assert.equal(await readlink(join(installDir, 'current')), `versions/${NEW}`);
  // The old version stays for a rollback; the upgrade is confirmed (the launcher stops counting).
  assert.ok(existsSync(join(installDir, 'versions', OLD, 'app', 'tether-agent.mjs')));
  await waitFor('upgrade.json to be removed', () =>
    existsSync(join(installDir, 'upgrade.json')) ? undefined : true,
  );
});

test('a build that fails to start is rolled back after two starts and reported', async () => {
  await storeBuild(server.dataDir, BROKEN, 'broken');
  await setTarget(BROKEN);
  const rolledBack = await waitFor(
    'the rollback to be reported',
    async () => {
      const upgrade = await upgradeOf(BROKEN);
      return upgrade?.state === 'rolled-back' ? upgrade : undefined;
    },
    120_000,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${agent?.output() ?? ''}`);
  });
  assert.match(rolledBack.reason ?? '', /failed to start 2 times/);
  assert.equal(await readlink(join(installDir, 'current')), `versions/${NEW}`);
  assert.equal(await waitFor('the agent back online', deviceVersion), NEW);
  assert.ok(!existsSync(join(installDir, 'rollback.json')));
  assert.ok(!existsSync(join(installDir, 'upgrade.json')));
  // Not offered again by itself: the scheduler gives up on a version that rolled back.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal((await upgradeOf(BROKEN))?.state, 'rolled-back');
});
