import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuditPage, ErrorBody, OemDeviceList, ScriptTokenList, TenantList } from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(async () => server.close());

const listDevices = (secret: string) =>
  server
    .client()
    .request('GET', '/api/v1/oem/devices', undefined, { authorization: `Bearer ${secret}` });

test('the CLI creates tenants and tokens headless; revoking a token takes effect at once', async () => {
  const dataDir = ['--data-dir', server.dataDir];
  for (const group of ['Servers', 'Kiosks'])
    assert.equal((await runCli(['groups', 'create', group, ...dataDir])).code, 0);
  const tenant = await runCli([
    'oem',
    'tenant',
    'create',
    '--name',
    'Acme RMM',
    '--groups',
    'Servers, Kiosks',
    ...dataDir,
  ]);
  assert.equal(tenant.code, 0, tenant.stderr);
  const tenantId = /Tenant created: (t\d+)/.exec(tenant.stdout)?.[1] ?? '';
  const listed = (await server.admin.request('GET', '/api/v1/oem/tenants')).json(TenantList);
  assert.deepEqual(
    listed.tenants.map((entry) => [entry.id, entry.name, entry.groups]),
    [[tenantId, 'Acme RMM', ['Servers', 'Kiosks']]],
  );

  const token = await runCli([
    'oem',
    'token',
    'create',
    tenantId,
    '--name',
    'deploy script',
    '--permissions',
    'createDeviceKey,requestControl',
    ...dataDir,
  ]);
  assert.equal(token.code, 0, token.stderr);
  const secret = /Token \(shown once\): (\S+)/.exec(token.stdout)?.[1] ?? '';
  const tokenId = /Script token ([0-9a-f-]{36})/.exec(token.stdout)?.[1] ?? '';
  assert.equal((await listDevices(secret)).status, 200, 'the running server accepts it');
  assert.deepEqual((await listDevices(secret)).json(OemDeviceList), { devices: [] });

  const tokens = (await server.admin.request('GET', `/api/v1/oem/tenants/${tenantId}/tokens`)).json(
    ScriptTokenList,
  );
  assert.equal(tokens.tokens[0]?.id, tokenId);
  assert.ok(!JSON.stringify(tokens).includes(secret), 'the token is never shown again');

  const revoked = await runCli(['oem', 'token', 'revoke', tokenId, ...dataDir]);
  assert.equal(revoked.code, 0, revoked.stderr);
  const refused = await listDevices(secret);
  assert.equal(refused.status, 401);
  assert.equal(refused.json(ErrorBody).code, 'TOKEN_INVALID');

  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=50')).json(AuditPage);
  const actions = audit.entries.map((entry) => entry.action);
  for (const action of ['oem.tenant_created', 'oem.token_created', 'oem.token_revoked'] as const)
    assert.ok(actions.includes(action), action);
  assert.ok(!JSON.stringify(audit).includes(secret), 'no token in the audit log');
});

test('bad CLI input is refused with a message naming the bad option', async () => {
  const result = await runCli([
    'oem',
    'token',
    'create',
    't1',
    '--name',
    'x',
    '--permissions',
    'everything',
    '--data-dir',
    server.dataDir,
  ]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /permissions/);
  const compat = await runCli([
    'oem',
    'tenant',
    'create',
    '--name',
    'Nope',
    '--groups',
    'x',
    '--compat',
    'seed-999',
    '--data-dir',
    server.dataDir,
  ]);
  assert.equal(compat.code, 1);
  assert.match(compat.stderr, /--compat must be standard or seed-001/);
  const tenants = (await server.admin.request('GET', '/api/v1/oem/tenants')).json(TenantList);
  assert.ok(!tenants.tenants.some((tenant) => tenant.name === 'Nope'), 'nothing was created');
});

test('only administrators manage tenants, and the OpenAPI document describes the API', async () => {
  const anonymous = await server.client().request('POST', '/api/v1/oem/tenants', {
    name: 'x',
    groups: ['y'],
  });
  assert.equal(anonymous.status, 401);
  const openapi = await server.client().request('GET', '/api/v1/openapi.json');
  assert.equal(openapi.status, 200);
  const document = JSON.parse(openapi.text) as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
  };
  assert.equal(document.openapi, '3.1.0');
  for (const [path, method] of [
    ['/api/v1/oem/devices/createdevicekey', 'post'],
    ['/api/v1/oem/devices/requestcontrol', 'post'],
    ['/api/v1/oem/devices', 'delete'],
    ['/api/v1/oem/devices/unregister', 'delete'],
    ['/api/v1/oem/appregistrations', 'post'],
    ['/api/v1/oem/tenants/{id}/compatibility', 'put'],
    ['/oem/connect', 'get'],
  ] as const) {
    assert.ok(document.paths[path]?.[method], `${method} ${path}`);
  }
  assert.match(openapi.text, /"pattern":"\^t\\\\d\{1,18\}\$"/, 'schemas come from the zod ones');
  const createKey = document.paths['/api/v1/oem/devices/createdevicekey']?.post as {
    responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
  };
  assert.match(createKey.responses['400']?.description ?? '', /not JSON.*INVALID_INPUT/);
  assert.ok(createKey.responses['200']?.headers?.['Cache-Control'], 'no-store is documented');
  assert.match(openapi.text, /tether-oem-rollout-v1/, 'the text an app signs is documented');
});
