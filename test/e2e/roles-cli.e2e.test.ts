import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LoginResponse } from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

const tether = (...args: string[]) => runCli([...args, '--data-dir', server.dataDir]);

test('tether roles creates, changes and deletes custom roles on the data directory', async () => {
  const help = await runCli(['roles', 'create', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /--permissions PERMISSIONS/);
  const permissions = await runCli(['roles', 'permissions']);
  assert.match(permissions.stdout, /^sessions\.open\tDevices and sessions\tOpen sessions: /m);

  const created = await tether(
    'roles',
    'create',
    'Helpdesk',
    '--permissions',
    'devices.view,sessions.open',
    '--description',
    'First line',
  );
  assert.equal(created.code, 0, created.stderr);
  assert.match(
    created.stdout,
    /Created the role Helpdesk: console.use, devices.view, sessions.open/,
  );
  const unknown = await tether('roles', 'create', 'Night', '--permissions', 'devices.rule');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /permissions/);
  const builtInName = await tether('roles', 'create', 'auditor', '--permissions', 'devices.view');
  assert.equal(builtInName.code, 1);
  assert.match(builtInName.stderr, /built-in role/);

  // A user of the role, signed in while the role changes: the change applies at once.
  const hanaCreated = await runCli(
    [
      'users',
      'create',
      'hana',
      '--role',
      'helpdesk',
      '--password-stdin',
      '--keep-password',
      '--data-dir',
      server.dataDir,
    ],
    { input: 'hana chose this passphrase\n' },
  );
  assert.equal(hanaCreated.code, 0, hanaCreated.stderr);
  const hana = server.client();
  const login = await hana.request('POST', '/api/v1/auth/login', {
    username: 'hana',
    password: 'hana chose this passphrase',
  });
  assert.equal(login.json(LoginResponse).roleName, 'Helpdesk');
  assert.equal((await hana.request('GET', '/api/v1/audit')).status, 403);

  const edited = await tether(
    'roles',
    'edit',
    'HELPDESK',
    '--name',
    'Helpdesk L1',
    '--permissions',
    'devices.view,sessions.open,audit.read',
  );
  assert.equal(edited.code, 0, edited.stderr);
  assert.equal((await hana.request('GET', '/api/v1/audit')).status, 200);

  const listed = await tether('roles', 'list');
  assert.match(
    listed.stdout,
    /^Helpdesk L1\tcustom\t1\tdevices\.view,sessions\.open,audit\.read$/m,
  );
  assert.match(listed.stdout, /^Auditor\tbuilt-in\t0\t/m);
  const users = await tether('users', 'list');
  assert.match(users.stdout, /^hana\t-\tHelpdesk L1\tenabled$/m);

  const inUse = await tether('roles', 'delete', 'Helpdesk L1');
  assert.equal(inUse.code, 1);
  assert.match(inUse.stderr, /cannot be deleted: 1 user has it/);
  const builtIn = await tether('roles', 'edit', 'technician', '--permissions', 'devices.view');
  assert.equal(builtIn.code, 1);
  assert.match(builtIn.stderr, /built-in role "Technician" cannot be changed/);

  assert.equal((await tether('users', 'delete', 'hana')).code, 0);
  const deleted = await tether('roles', 'delete', 'Helpdesk L1');
  assert.equal(deleted.code, 0, deleted.stderr);
  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=100')).text;
  for (const action of ['role.created', 'role.updated', 'role.deleted'])
    assert.match(audit, new RegExp(`"${action.replace('.', '\\.')}"`));
});
