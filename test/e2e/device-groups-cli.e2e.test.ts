import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeviceGroupList, DeviceReply, InstallerList } from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

const cli = (...args: string[]) => runCli([...args, '--data-dir', server.dataDir]);

async function groupNames(): Promise<string[]> {
  const response = await server.admin.request('GET', '/api/v1/device-groups');
  return response.json(DeviceGroupList).groups.map((group) => group.name);
}

test('installer create refuses a group that does not exist, saying how to create it', async () => {
  const refused = await cli('installer', 'create', '--group', 'Sevrers', '--valid-for', '1h');
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /no device group "Sevrers"\. Create it first .*tether groups create/,
  );
  const installers = (await server.admin.request('GET', '/api/v1/installers')).json(InstallerList);
  assert.deepEqual(installers.installers, []);

  const created = await cli('groups', 'create', 'Servers', '--description', 'Racks in Paris');
  assert.equal(created.code, 0, created.stderr);
  // The group is named in any letter case; the installer carries its exact name.
  const installer = await cli('installer', 'create', '--group', 'servers', '--valid-for', '1h');
  assert.equal(installer.code, 0, installer.stderr);
  assert.match(installer.stdout, /for group "Servers"/);
});

test('tether groups lists, renames and deletes groups on the data directory of a running server', async () => {
  const agent = await server.startAgent(); // its installer creates "Test devices"
  const listed = await cli('groups', 'list');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^NAME\tDEVICES\tDESCRIPTION$/m);
  assert.match(listed.stdout, /^Servers\t0\tRacks in Paris$/m);
  assert.match(listed.stdout, /^Test devices\t1\t-$/m);

  const taken = await cli('groups', 'create', 'SERVERS');
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, /"Servers" already has this name/);

  const renamed = await cli('groups', 'rename', 'test devices', 'Lab');
  assert.equal(renamed.code, 0, renamed.stderr);
  assert.match(renamed.stdout, /"test devices" is now "Lab"/);
  const device = (await server.admin.request('GET', `/api/v1/devices/${agent.device.id}`)).json(
    DeviceReply,
  ).device;
  assert.equal(device.group, 'Lab', 'the running server sees the renamed group');

  const refused = await cli('groups', 'delete', 'Lab');
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /Cannot delete device group "Lab": it still has 1 device \("[^"]+"\), /,
  );
  assert.ok((await groupNames()).includes('Lab'));

  const moved = await cli('groups', 'move-device', agent.device.name, 'Servers');
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(moved.stdout, /is now in group "Servers"/);
  const installers = (await server.admin.request('GET', '/api/v1/installers')).json(InstallerList);
  for (const installer of installers.installers.filter((each) => each.group === 'Lab'))
    await server.admin.request('DELETE', `/api/v1/installers/${installer.id}`);
  const deleted = await cli('groups', 'delete', 'Lab');
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.deepEqual(await groupNames(), ['Default', 'Servers']);

  const missing = await cli('groups', 'delete', 'Lab');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no device group "Lab"/);
});

test('every groups command explains itself with --help', async () => {
  for (const command of ['list', 'create', 'rename', 'delete', 'move-device']) {
    const help = await runCli(['groups', command, '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, new RegExp(`tether groups ${command}`));
  }
  const overview = await runCli(['--help']);
  assert.match(overview.stdout, /groups create +Create a device group/);
});
