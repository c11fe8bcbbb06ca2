import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  ENDPOINTS,
  ErrorBody,
  ROLE_PERMISSIONS,
  type AnyEndpoint,
  type Role,
} from '@tether/protocol';
import { createTestServer, type TestServer } from '../support/test-server.js';
import type { HttpsClient } from '../support/https-client.js';

/**
 * Routes that still spell out their own path, authentication and parsing; each moves to a
 * contract in `protocol` (issue 11). This list only shrinks: a new route needs a contract.
 */
const NOT_YET_CONTRACTS = new Set([
  'POST /api/v1/oem/devices/createdevicekey',
  'POST /api/v1/oem/devices/requestcontrol',
  'DELETE /api/v1/oem/devices',
  'DELETE /api/v1/oem/devices/unregister',
  'GET /api/v1/oem/devices',
  'POST /api/v1/oem/appregistrations',
  'GET /api/v1/oem/tenants',
  'POST /api/v1/oem/tenants',
  'PUT /api/v1/oem/tenants/:id/groups',
  'PUT /api/v1/oem/tenants/:id/compatibility',
  'GET /api/v1/oem/tenants/:id/tokens',
  'POST /api/v1/oem/tenants/:id/tokens',
  'DELETE /api/v1/oem/tokens/:id',
  'GET /oem/connect',
]);

const key = (route: { method: string; path: string }): string => `${route.method} ${route.path}`;

let server: TestServer;
const signedIn = new Map<Role, HttpsClient>();

before(async () => {
  server = await createTestServer();
  for (const role of ['privileged', 'technician'] as const) {
    const password = `${role}-password-1234`;
    await server.server.context.auth.createUser({ username: role, password, role });
    const client = server.client();
    const login = await client.request('POST', '/api/v1/auth/login', {
      username: role,
      password,
    });
    assert.equal(login.status, 200, login.text);
    signedIn.set(role, client);
  }
  signedIn.set('administrator', server.admin);
});

after(() => server.close());

describe('every route has a contract, and every contract a route', () => {
  test('the user listener serves exactly the contracts plus the routes not yet moved', () => {
    const served = server.server.routes.user
      .filter((route) => route.path.startsWith('/api/') || route.path.startsWith('/oem/'))
      .map(key);
    const contracts = ENDPOINTS.map(key);
    const withoutContract = served.filter(
      (route) => !contracts.includes(route) && !NOT_YET_CONTRACTS.has(route),
    );
    assert.deepEqual(withoutContract, [], 'routes without a contract in protocol');
    const withoutRoute = contracts.filter((contract) => !served.includes(contract));
    assert.deepEqual(withoutRoute, [], 'contracts the server does not serve');
    const stale = [...NOT_YET_CONTRACTS].filter(
      (route) => !served.includes(route) || contracts.includes(route),
    );
    assert.deepEqual(stale, [], 'NOT_YET_CONTRACTS lists routes that are gone or have contracts');
  });

  test('endpoint ids are unique', () => {
    const ids = ENDPOINTS.map((endpoint) => endpoint.id);
    assert.deepEqual(
      ids.filter((id, index) => ids.indexOf(id) !== index),
      [],
    );
  });
});

/** A request to the endpoint with made-up path parameters and no body. */
function call(client: HttpsClient, endpoint: AnyEndpoint) {
  const path = endpoint.path.replace(/:[A-Za-z]+/g, randomUUID());
  return client.request(endpoint.method, path, endpoint.body ? {} : undefined);
}

describe('authorisation is data: each contract refuses callers without its permission', () => {
  for (const endpoint of ENDPOINTS) {
    const { access } = endpoint;
    if (access.kind !== 'user') continue;
    test(`${endpoint.id} refuses a caller who is not signed in`, async () => {
      const response = await call(server.client(), endpoint);
      assert.equal(response.status, 401, response.text);
      assert.equal(response.json(ErrorBody).code, 'AUTH_REQUIRED');
    });
    for (const role of ['technician', 'privileged'] as const) {
      if (ROLE_PERMISSIONS[role].includes(access.permission)) continue;
      test(`${endpoint.id} refuses a ${role} (needs ${access.permission})`, async () => {
        const client = signedIn.get(role);
        assert.ok(client);
        const response = await call(client, endpoint);
        assert.equal(response.status, 403, response.text);
        const error = response.json(ErrorBody);
        assert.equal(error.code, 'FORBIDDEN');
        assert.ok(error.message.includes(access.permission), error.message);
      });
    }
  }
});

describe('the adapter names bad input as users know it', () => {
  test('a malformed ID in a path is named by what it identifies, and nothing changes', async () => {
    const cases = [
      ['GET', '/api/v1/devices/web-01', 'The device ID must be a UUID.'],
      ['GET', '/api/v1/devices/web-01/effective-policy', 'The device ID must be a UUID.'],
      ['DELETE', '/api/v1/devices/web-01/unattended', 'The device ID must be a UUID.'],
      ['GET', '/api/v1/sessions/s-1', 'The session ID must be a UUID.'],
      ['DELETE', '/api/v1/sessions/s-1', 'The session ID must be a UUID.'],
      ['DELETE', '/api/v1/installers/i-1', 'The installer ID must be a UUID.'],
      [
        'GET',
        '/api/v1/unattended/12/access-file',
        'The unattended session ID is not in the expected format.',
      ],
      [
        'DELETE',
        '/api/v1/unattended/12',
        'The unattended session ID is not in the expected format.',
      ],
    ] as const;
    const auditBefore = await server.server.context.store.audit.list({ limit: 1000 });
    for (const [method, path, message] of cases) {
      const response = await server.admin.request(method, path);
      assert.equal(response.status, 422, `${method} ${path}: ${response.text}`);
      assert.equal(response.json(ErrorBody).code, 'INVALID_INPUT');
      assert.equal(response.json(ErrorBody).message, message, `${method} ${path}`);
    }
    const auditAfter = await server.server.context.store.audit.list({ limit: 1000 });
    assert.equal(auditAfter.length, auditBefore.length, 'nothing was done, so nothing audited');
  });
});
