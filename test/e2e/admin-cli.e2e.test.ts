import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(async () => server.close());

test('reset-password works headless while the server runs and signs the user out everywhere', async () => {
  const session = server.client();
  assert.equal(
    (
      await session.request('POST', '/api/v1/auth/login', {
        username: 'admin',
        password: ADMIN_PASSWORD,
      })
    ).status,
    200,
  );
  const result = await runCli(['admin', 'reset-password', '--data-dir', server.dataDir]);
  assert.equal(result.code, 0, result.stderr);
  const password = /New password for admin: (\S+)/.exec(result.stdout)?.[1];
  assert.ok(password && password.length >= 16, 'a strong random password is printed once');
  assert.equal(
    (await session.request('GET', '/api/v1/auth/me')).status,
    401,
    'old sessions are signed out',
  );
  const fresh = server.client();
  assert.equal(
    (
      await fresh.request('POST', '/api/v1/auth/login', {
        username: 'admin',
        password: ADMIN_PASSWORD,
      })
    ).status,
    401,
  );
  assert.equal(
    (await fresh.request('POST', '/api/v1/auth/login', { username: 'admin', password })).status,
    200,
  );

  const chosen = await runCli(
    ['admin', 'reset-password', '--password-stdin', '--data-dir', server.dataDir],
    { input: 'a chosen passphrase 42\n' },
  );
  assert.equal(chosen.code, 0, chosen.stderr);
  assert.doesNotMatch(
    chosen.stdout,
    /chosen passphrase/,
    'a password given on stdin is not echoed',
  );
  assert.equal(
    (
      await server.client().request('POST', '/api/v1/auth/login', {
        username: 'admin',
        password: 'a chosen passphrase 42',
      })
    ).status,
    200,
  );
  const unknown = await runCli([
    'admin',
    'reset-password',
    '--username',
    'nobody',
    '--data-dir',
    server.dataDir,
  ]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no user "nobody"/);
});

test('installer create works headless and its token enrols a device', async () => {
  const group = await runCli(['groups', 'create', 'CLI group', '--data-dir', server.dataDir]);
  assert.equal(group.code, 0, group.stderr);
  const created = await runCli([
    'installer',
    'create',
    '--group',
    'CLI group',
    '--valid-for',
    '2h',
    '--max-installs',
    '3',
    '--server-url',
    server.url,
    '--data-dir',
    server.dataDir,
  ]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /tether agent enroll --server https:\/\/\S+ --token tet1\./);
  const tooShort = await runCli([
    'installer',
    'create',
    '--group',
    'x',
    '--valid-for',
    '5m',
    '--data-dir',
    server.dataDir,
  ]);
  assert.equal(tooShort.code, 1);
  assert.match(tooShort.stderr, /between 10m and 1y/);
});

test('every command explains itself with --help', async () => {
  const overview = await runCli(['--help']);
  assert.equal(overview.code, 0);
  const names = [...overview.stdout.matchAll(/^ {2}([a-z]+(?: [a-z-]+)?) {2,}/gm)].map(
    (match) => match[1] ?? '',
  );
  assert.ok(names.length >= 7, `commands listed: ${names.join(', ')}`);
  for (const name of names) {
    const help = await runCli([...name.split(' '), '--help']);
    assert.equal(help.code, 0, name);
    // The agent package's own commands show how they run there (`tether-agent install`).
    assert.match(help.stdout, /Usage: tether(-agent)? /, name);
  }
  // A group of commands lists its own, with what each does.
  const group = await runCli(['admin', 'tls', '--help']);
  assert.equal(group.code, 0, group.stderr);
  assert.match(group.stdout, /admin tls set +Upload a TLS certificate/);
  assert.doesNotMatch(group.stdout, /admin keys/);
  const incomplete = await runCli(['admin', 'keys']);
  assert.equal(incomplete.code, 2);
  assert.match(incomplete.stderr, /choose one of:[\s\S]*admin keys rotate +Generate/);
  const wrong = await runCli(['server', '--no-such-flag']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /Unknown option '--no-such-flag'.*\n.*tether server --help/);
});
