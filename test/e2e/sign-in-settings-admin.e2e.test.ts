import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, test } from 'node:test';
import { AuditPage, SsoTestResult } from '@tether/protocol';
import { adminClient } from '../support/admin-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// Issue 12: directories, single sign-on and the second-factor requirement are configured in the
// admin interface. Their endpoints are on the admin listener only; the sign-in itself is not.

let server: TestServer;

before(async () => {
  server = await createTestServer();
  // A provider whose issuer cannot be reached: its test fails at the start, with no IdP needed.
  const saved = await adminClient(server).request('PUT', '/conf/api/sso/providers/down', {
    kind: 'oidc',
    id: 'down',
    label: 'Down',
    issuer: 'https://127.0.0.1:1/realms/none',
    clientId: 'tether',
  });
  assert.equal(saved.status, 200, saved.text);
});
after(() => server.close());

test('the sign-in settings are served on the admin listener only', async () => {
  for (const path of [
    '/api/v1/directories',
    '/api/v1/settings/sso/providers',
    '/api/v1/settings/second-factor',
  ]) {
    assert.equal((await server.admin.request('GET', path)).status, 404, `user listener: ${path}`);
  }
  const conf = adminClient(server);
  for (const path of [
    '/conf/api/directories',
    '/conf/api/sso/providers',
    '/conf/api/second-factor',
  ])
    assert.equal((await conf.request('GET', path)).status, 200, `admin listener: ${path}`);
  // The login page's buttons stay on the user listener.
  assert.equal((await server.client().request('GET', '/api/v1/auth/sso')).status, 200);
});

test('a change of the second-factor requirement on the admin listener is validated and audited', async () => {
  const conf = adminClient(server);
  const bad = await conf.request('PUT', '/conf/api/second-factor', { requiredRoles: 'all' });
  assert.equal(bad.status, 422, bad.text);
  const set = await conf.request('PUT', '/conf/api/second-factor', { requiredRoles: [] });
  assert.equal(set.status, 200, set.text);
  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=20')).json(AuditPage);
  assert.ok(audit.entries.some((entry) => entry.action === 'settings.changed'));
});

test("a provider's test started on the admin listener shows its failure there, to its administrator only", async () => {
  const conf = adminClient(server);
  const started = await conf.request('GET', '/conf/api/sso/providers/down/test');
  assert.equal(started.status, 302, started.text);
  const location = new URL(String(started.headers.location), new URL(server.adminUrl).origin);
  assert.equal(location.pathname, '/conf/single-sign-on');
  const testId = location.searchParams.get('test') ?? '';
  const result = await conf.request('GET', `/conf/api/sso/tests/${testId}`);
  assert.equal(result.status, 200, result.text);
  assert.match(SsoTestResult.parse(JSON.parse(result.text)).error ?? '', /Cannot reach/);

  await server.server.context.auth.createUser({
    username: 'other-admin',
    password: 'other-admin-password-1',
    role: 'administrator',
  });
  const other = server.client();
  const login = await other.request('POST', '/api/v1/auth/login', {
    username: 'other-admin',
    password: 'other-admin-password-1',
  });
  assert.equal(login.status, 200, login.text);
  const theirs = await adminClient(server, other).request('GET', `/conf/api/sso/tests/${testId}`);
  assert.equal(theirs.status, 404, theirs.text);
});

test('a test is refused when the Host header could turn its return address elsewhere', async () => {
  const admin = new URL(server.adminUrl);
  const status = await new Promise<number>((resolve, reject) => {
    const request = httpsRequest(
      {
        host: admin.hostname,
        port: admin.port,
        path: '/conf/api/sso/providers/down/test',
        ca: server.ca,
        servername: admin.hostname,
        headers: { host: 'evil.example/path', cookie: server.admin.cookie ?? '' },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end();
  });
  // Refused before anything starts (no flow opened, no redirect to build from it).
  assert.equal(status, 422);
});
