import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SecondFactorSettings, SignInResponse, TotpEnrolment } from '@tether/protocol';
import { generate } from 'otplib';
import { runCli } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';
import { adminClient } from '../support/admin-client.js';

// Headless recovery: the administrator lost their authenticator app, and the server's owner
// removes it from the data directory while the server runs.

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

const cli = (...args: string[]) => runCli([...args, '--data-dir', server.dataDir]);

async function adminSignIn() {
  const client = server.client();
  const response = await client.request('POST', '/api/v1/auth/login', {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  assert.equal(response.status, 200, response.text);
  return { client, reply: response.json(SignInResponse) };
}

test('tether admin reset-2fa lets an administrator who lost their factor sign in with the password again', async () => {
  const started = await server.admin.request('POST', '/api/v1/account/second-factors/totp');
  const { secret } = started.json(TotpEnrolment);
  const code = await generate({ secret, epoch: Math.floor(server.clock.now().getTime() / 1000) });
  const confirmed = await server.admin.request(
    'POST',
    '/api/v1/account/second-factors/totp/confirm',
    { code },
  );
  assert.equal(confirmed.status, 200, confirmed.text);
  assert.ok('step' in (await adminSignIn()).reply, 'a code is asked after the password');

  const help = await runCli(['admin', 'reset-2fa', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--username NAME/);
  const reset = await cli('admin', 'reset-2fa');
  assert.equal(reset.code, 0, reset.stderr);
  assert.match(reset.stdout, /Second factors of admin removed/);
  assert.equal(
    (await server.admin.request('GET', '/api/v1/auth/me')).status,
    401,
    'signed out everywhere',
  );
  const { client, reply } = await adminSignIn();
  assert.ok('user' in reply, 'the password alone signs in again');
  const audit = await client.request('GET', '/api/v1/audit?limit=20');
  assert.match(audit.text, /"action":"second_factor.reset","actor":"system","target":"admin"/);

  const unknown = await cli('users', 'reset-2fa', 'nobody');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no user "nobody"/);
});

test('tether admin require-2fa shows and sets the roles that require a second factor', async () => {
  const { client } = await adminSignIn();
  const none = await cli('admin', 'require-2fa');
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stdout, /No role requires a second factor/);

  const set = await cli('admin', 'require-2fa', 'technician', 'privileged');
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /required for: technician, privileged/);
  const seen = await adminClient(server, client).request('GET', '/conf/api/second-factor');
  assert.deepEqual(seen.json(SecondFactorSettings).requiredRoles, ['technician', 'privileged']);

  const bad = await cli('admin', 'require-2fa', 'boss');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /roles/);
  const cleared = await cli('admin', 'require-2fa', '--none');
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.match(cleared.stdout, /No role requires/);
});
