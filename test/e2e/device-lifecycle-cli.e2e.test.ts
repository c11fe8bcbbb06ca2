import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuditPage, DeviceReply } from '@tether/protocol';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { runCli, waitFor } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

const cli = (...args: string[]) => runCli([...args, '--data-dir', server.dataDir]);

test('tether devices renames, describes, tags, moves and deletes a device on the data directory of a running server, which then tells its agent to uninstall', async () => {
  const agent = await server.startAgent();
  const { device } = agent;
  await ensureDeviceGroup(server.admin, 'Front desk');
  const read = async () =>
    (await server.admin.request('GET', `/api/v1/devices/${device.id}`)).json(DeviceReply).device;

  const help = await runCli(['devices', 'set', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--tags replaces every tag/);

  const renamed = await cli('devices', 'rename', device.id, 'Reception PC');
  assert.equal(renamed.code, 0, renamed.stderr);
  const set = await cli(
    'devices',
    'set',
    'Reception PC',
    '--comments',
    'By the door',
    '--tags',
    'a, b',
  );
  assert.equal(set.code, 0, set.stderr);
  assert.equal((await cli('devices', 'tag', 'Reception PC', 'kiosk', 'a')).code, 0);
  assert.equal((await cli('devices', 'untag', 'Reception PC', 'b')).code, 0);
  const moved = await cli('devices', 'move', 'Reception PC', 'front desk');
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(moved.stdout, /in group "Front desk", a, kiosk\./);
  const now = await read();
  assert.deepEqual(
    { name: now.name, comments: now.comments, tags: now.tags, group: now.group },
    { name: 'Reception PC', comments: 'By the door', tags: ['a', 'kiosk'], group: 'Front desk' },
  );
  assert.notEqual(now.hostname, 'Reception PC');

  const tooLong = await cli('devices', 'rename', device.id, 'x'.repeat(200));
  assert.equal(tooLong.code, 1);
  assert.match(tooLong.stderr, /Invalid device change: name/);

  const unconfirmed = await cli('devices', 'delete', device.id);
  assert.equal(unconfirmed.code, 1);
  assert.match(unconfirmed.stderr, /--yes/);
  const deleted = await cli('devices', 'delete', device.id, '--yes');
  assert.equal(deleted.code, 0, deleted.stderr);
  const gone = await server.admin.request('GET', `/api/v1/devices/${device.id}`);
  assert.equal(gone.status, 404);
  // The running server finishes the deletion: its connected agent is told to uninstall.
  await waitFor(
    'the agent to exit',
    () => {
      try {
        process.kill(agent.pid, 0);
        return undefined;
      } catch {
        return true;
      }
    },
    120_000,
  );
  assert.match(agent.output(), /deleted from the server by system/);

  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=50')).json(AuditPage);
  const actions = audit.entries
    .filter((entry) => entry.target === device.id && entry.details.via === 'headless')
    .map((entry) => entry.action);
  assert.ok(
    actions.includes('device.updated') && actions.includes('device.deleted'),
    actions.join(),
  );
});
