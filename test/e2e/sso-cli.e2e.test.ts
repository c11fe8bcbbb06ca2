import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { adminClient } from '../support/admin-client.js';

const SECRET = 'cli-never-prints-this-secret-99';
let server: TestServer;

before(async () => {
  server = await createTestServer();
  const saved = await adminClient(server).request('PUT', '/conf/api/sso/providers/corp', {
    kind: 'oidc',
    id: 'corp',
    label: 'Corp ID',
    issuer: 'https://login.example.test/realms/it',
    clientId: 'tether',
    clientSecret: SECRET,
  });
  assert.equal(saved.status, 200, saved.text);
});
after(() => server.close());

test('tether sso list shows the providers and the redirect URI to register, never a secret', async () => {
  const listed = await runCli(['sso', 'list', '--data-dir', server.dataDir]);
  assert.equal(listed.code, 0, listed.stderr);
  const lines = listed.stdout.trim().split('\n');
  assert.equal(lines.length, 2, 'a header and one provider');
  const [header = '', row = ''] = lines;
  assert.match(header, /^ID\tPROTOCOL\tLABEL/);
  assert.deepEqual(row.split('\t').slice(0, 5), ['corp', 'oidc', 'Corp ID', 'enabled', 'console']);
  assert.match(row, /\/api\/v1\/auth\/sso\/corp\/callback$/);
  assert.ok(!listed.stdout.includes(SECRET));
});

test('tether sso list --help says what it lists and where providers are configured', async () => {
  const help = await runCli(['sso', 'list', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /tether sso list/);
  assert.match(help.stdout, /admin interface \(https:\/\/HOST:7615\/conf\/single-sign-on\)/);
});
