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

const users = (...args: string[]) => runCli(['users', ...args, '--data-dir', server.dataDir]);

async function signIn(username: string, password: string) {
  const client = server.client();
  const response = await client.request('POST', '/api/v1/auth/login', { username, password });
  return { client, response };
}

test('tether users manages users on the data directory while the server runs', async () => {
  const created = await runCli(
    [
      'users',
      'create',
      'jo',
      '--role',
      'technician',
      '--display-name',
      'Jo Martin',
      '--password-stdin',
      '--data-dir',
      server.dataDir,
    ],
    { input: 'a chosen passphrase 42\n' },
  );
  assert.equal(created.code, 0, created.stderr);
  assert.doesNotMatch(
    created.stdout,
    /chosen passphrase/,
    'a password given on stdin is not echoed',
  );
  const jo = await signIn('jo', 'a chosen passphrase 42');
  assert.equal(jo.response.status, 200, jo.response.text);
  assert.equal(jo.response.json(LoginResponse).user.mustChangePassword, true);

  const listed = await users('list');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^jo\tJo Martin\ttechnician\tenabled, must change password$/m);
  assert.match(listed.stdout, /^admin\t-\tadministrator\tenabled$/m);

  const duplicate = await users('create', 'JO', '--role', 'administrator');
  assert.equal(duplicate.code, 1);
  assert.match(duplicate.stderr, /already taken/);
  const badRole = await users('create', 'kim', '--role', 'boss');
  assert.equal(badRole.code, 1);
  assert.match(badRole.stderr, /role/);

  const disabled = await users('disable', 'jo');
  assert.equal(disabled.code, 0, disabled.stderr);
  assert.equal((await jo.client.request('GET', '/api/v1/auth/me')).status, 401, 'signed out');
  assert.equal((await signIn('jo', 'a chosen passphrase 42')).response.status, 401);
  assert.equal((await users('enable', 'jo')).code, 0);

  const reset = await users('reset-password', 'jo', '--keep-password');
  assert.equal(reset.code, 0, reset.stderr);
  const password = /New password for jo: (\S+)/.exec(reset.stdout)?.[1] ?? '';
  const again = await signIn('jo', password);
  assert.equal(again.response.status, 200, again.response.text);
  assert.equal(again.response.json(LoginResponse).user.mustChangePassword, false);

  const lastAdmin = await users('disable', 'admin');
  assert.equal(lastAdmin.code, 1);
  assert.match(lastAdmin.stderr, /last enabled administrator/);
  assert.equal((await server.admin.request('GET', '/api/v1/auth/me')).status, 200);

  assert.equal((await users('delete', 'jo')).code, 0);
  assert.equal((await again.client.request('GET', '/api/v1/auth/me')).status, 401);
  const gone = await users('delete', 'jo');
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /no user "jo"/);
  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=100')).text;
  assert.match(audit, /"user\.deleted"/);
  assert.doesNotMatch(audit, /chosen passphrase/);
  assert.ok(!audit.includes(password), 'the printed password is not in the audit');
});
