import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InstallerList } from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
  await ensureDeviceGroup(server.admin, 'Servers');
});
after(() => server.close());

const cli = (...args: string[]) => runCli([...args, '--data-dir', server.dataDir]);

async function listed(id: string) {
  const list = (await server.admin.request('GET', '/api/v1/installers')).json(InstallerList);
  return list.installers.find((installer) => installer.id === id);
}

test('tether installer create takes every attribute and the overridable list, then list, extend and delete', async () => {
  const created = await cli(
    'installer',
    'create',
    '--group',
    'servers',
    '--valid-for',
    '1h',
    '--name',
    'kiosk',
    '--comments',
    'Front desk',
    '--tag',
    'web',
    '--connection-type',
    'passive',
    '--ephemeral',
    '--mode',
    'user',
    '--allow-override',
    'jc-tag,name, maxOfflineMinutes',
  );
  assert.equal(created.code, 0, created.stderr);
  const id = /Installer ([0-9a-f-]{36})/.exec(created.stdout)?.[1] ?? '';
  assert.match(created.stdout, /override: tag, name, maxOfflineMinutes/);
  assert.match(created.stdout, new RegExp(`/api/v1/installers/${id}/downloads`));
  const installer = await listed(id);
  assert.deepEqual(installer?.attributes, {
    group: 'Servers',
    name: 'kiosk',
    comments: 'Front desk',
    tag: 'web',
    jumpPolicy: null,
    sessionPolicyPresent: null,
    sessionPolicyNotPresent: null,
    publicSiteAddress: null,
    connectionType: 'passive',
    maxOfflineMinutes: 5,
    mode: 'user',
    minimizeOnStart: false,
  });

  const list = await cli('installer', 'list');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`${id}\\tactive\\tServers\\t.*\\t0\\tweb\\ttag,name`));

  const extended = await cli('installer', 'extend', id, '--valid-for', '30d');
  assert.equal(extended.code, 0, extended.stderr);
  assert.match(extended.stdout, /Token for the new expiry: tet1\./);
  const days = (Date.parse((await listed(id))?.expiresAt ?? '') - Date.now()) / 86_400_000;
  assert.ok(days > 29.9 && days <= 30, `expires in 30 days, not ${days}`);

  const deleted = await cli('installer', 'delete', id);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal((await listed(id))?.revoked, true);
  assert.match((await cli('installer', 'list')).stdout, new RegExp(`${id}\\tdeleted`));
});

test('tether installer refuses an unknown overridable attribute and a too long extension, and has help', async () => {
  const refused = await cli(
    'installer',
    'create',
    '--group',
    'Servers',
    '--valid-for',
    '1h',
    '--allow-override',
    'colour',
  );
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /"colour" is not an installer attribute/);
  const tooLong = await cli(
    'installer',
    'extend',
    '00000000-0000-4000-8000-000000000000',
    '--valid-for',
    '2y',
  );
  assert.notEqual(tooLong.code, 0);
  assert.match(tooLong.stderr, /between 10m and 1y/);
  for (const command of ['create', 'list', 'extend', 'delete']) {
    const help = await runCli(['installer', command, '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`tether installer ${command}`));
  }
});
