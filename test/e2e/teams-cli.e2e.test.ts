import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeviceList } from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

const teams = (...args: string[]) => runCli(['teams', ...args, '--data-dir', server.dataDir]);

async function ok(...args: string[]): Promise<string> {
  const result = await teams(...args);
  assert.equal(result.code, 0, `tether teams ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

test('tether teams manages teams and grants, and the running server applies them', async () => {
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'kim',
    role: 'technician',
    password: 'kim-first-password',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const agent = await server.startAgent({ group: 'Servers' });

  await ok('create', 'Night shift');
  await ok('rename', 'night shift', 'Servers team');
  await ok('add-member', 'Servers team', 'kim');
  assert.match(await ok('list'), /^Servers team\tkim$/m);
  await ok('grant', '--team', 'Servers team', '--group', 'Laptops', '--rights', 'device.view');
  assert.match(await ok('grants'), /^Laptops\tteam\tServers team\tdevice\.view$/m);

  const kim = server.client();
  const login = await kim.request('POST', '/api/v1/auth/login', {
    username: 'kim',
    password: 'kim-first-password',
  });
  assert.equal(login.status, 200, login.text);
  const none = (await kim.request('GET', '/api/v1/devices')).json(DeviceList);
  assert.deepEqual(none.devices, [], 'a grant on Laptops shows no device of Servers');

  await ok('grant', '--user', 'kim', '--group', '*', '--rights', 'device.view,terminal');
  const all = (await kim.request('GET', '/api/v1/devices')).json(DeviceList);
  assert.deepEqual(
    all.devices.map((device) => [device.id, device.rights]),
    [[agent.device.id, ['device.view', 'terminal']]],
  );

  const bad = await teams('grant', '--user', 'kim', '--group', 'Servers', '--rights', 'fly');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /rights/);
  const unknown = await teams('add-member', 'No such team', 'kim');
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /There is no team "No such team"/);

  await ok('revoke', '--user', 'kim', '--group', '*');
  await ok('delete', 'Servers team');
  assert.match(await ok('grants'), /Rights are what these grants say/);
  const after = (await kim.request('GET', '/api/v1/devices')).json(DeviceList);
  assert.deepEqual(after.devices, []);

  const help = await runCli(['teams', 'grant', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--rights RIGHTS/);
});
