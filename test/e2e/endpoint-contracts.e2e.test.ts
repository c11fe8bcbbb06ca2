import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateScriptTokenResponse,
  ENDPOINTS,
  ErrorBody,
  OemPermission,
  ROLE_PERMISSIONS,
  Tenant,
  isOnAdminListener,
  isOnUserListener,
  type AnyEndpoint,
  type Role,
} from '@tether/protocol';
import { ensureDeviceGroup } from '../support/device-groups.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import type { HttpsClient } from '../support/https-client.js';
import { clientFor } from '../support/admin-client.js';

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

/**
 * The API routes a listener serves (its pages, files and `/metrics` are no endpoints; the agent
 * packages' public links under `/install/` and the one-time agents' under `/support/` are).
 */
function apiRoutes(routes: readonly { method: string; path: string }[]): string[] {
  return routes
    .filter((route) => /^\/(api|oem|conf\/api|install|support)\//.test(route.path))
    .map(key);
}

function assertServesExactly(served: string[], endpoints: readonly AnyEndpoint[]): void {
  const contracts = endpoints.map(key);
  const withoutContract = served.filter((route) => !contracts.includes(route));
  assert.deepEqual(withoutContract, [], 'routes without a contract in protocol');
  const withoutRoute = contracts.filter((contract) => !served.includes(contract));
  assert.deepEqual(withoutRoute, [], 'contracts the listener does not serve');
}

describe('every route has a contract, and every contract a route', () => {
  test('the user listener serves exactly its contracts: no route spells out its own path', () => {
    assertServesExactly(apiRoutes(server.server.routes.user), ENDPOINTS.filter(isOnUserListener));
  });

  test('the admin listener serves exactly the admin contracts and the shared sign-in ones', () => {
    assertServesExactly(apiRoutes(server.server.routes.admin), ENDPOINTS.filter(isOnAdminListener));
  });

  test('admin contracts live under /conf/api/, and nothing else does', () => {
    for (const endpoint of ENDPOINTS) {
      assert.equal(
        endpoint.path.startsWith('/conf/api/'),
        endpoint.listener === 'admin',
        `${endpoint.id}: ${endpoint.path} (listener ${endpoint.listener ?? 'user'})`,
      );
    }
  });

  test('endpoint ids are unique', () => {
    const ids = ENDPOINTS.map((endpoint) => endpoint.id);
    assert.deepEqual(
      ids.filter((id, index) => ids.indexOf(id) !== index),
      [],
    );
  });
});

/**
 * A request to the endpoint with made-up path parameters and no body, on the listener that
 * serves it (an admin contract on the admin listener, with the same session cookie).
 */
function call(client: HttpsClient, endpoint: AnyEndpoint) {
  const path = endpoint.path.replace(/:[A-Za-z]+/g, randomUUID());
  return clientFor(server, endpoint, client).request(
    endpoint.method,
    path,
    endpoint.body ? {} : undefined,
  );
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

/**
 * A well-formed body for each script-token operation, so a call gets past parsing to the token
 * checks. The device and key it names do not exist: a token that may do the operation is then
 * refused NOT_FOUND, never FORBIDDEN. A new script-token contract needs an entry here.
 */
function sampleBody(operation: string, tenantId: string): unknown {
  const device = { tenant_id: tenantId, remotecontrol_id: 'r900000001' };
  const bodies: Record<string, unknown> = {
    createdevicekey: { ...device, key_permissions: 'attended', request_id: randomUUID() },
    requestcontrol: {
      ...device,
      control_type: 'attended',
      device_key_id: randomUUID(),
      tenant_nonce: '0123456789abcdef0123456789abcdef',
    },
    unregister: {
      ...device,
      device_key_id: randomUUID(),
      decommission_token: 'not-a-real-decommission-token',
    },
    appregistrations: { tenant_id: tenantId, app_key_sha256: 'ab'.repeat(32) },
  };
  if (!(operation in bodies)) throw new Error(`no sample body for the operation "${operation}"`);
  return bodies[operation];
}

describe('authorisation is data: each script-token contract refuses tokens without its permission', () => {
  let tenantId = '';
  /** A token of the tenant with every permission but `missing` (all of them when undefined). */
  const tokenWithout = async (missing: OemPermission | undefined): Promise<string> => {
    const permissions = OemPermission.options.filter((permission) => permission !== missing);
    const response = await server.admin.request('POST', `/api/v1/oem/tenants/${tenantId}/tokens`, {
      name: `without ${missing ?? 'nothing'}`,
      permissions,
    });
    assert.equal(response.status, 201, response.text);
    return response.json(CreateScriptTokenResponse).secret;
  };
  const callWith = (endpoint: AnyEndpoint, operation: string, token: string | undefined) => {
    const body = endpoint.body ? sampleBody(operation, tenantId) : undefined;
    const headers: Record<string, string> = {};
    // Node sends a DELETE body unframed unless its length is given (the SDK gives it too).
    if (body !== undefined)
      headers['content-length'] = String(Buffer.byteLength(JSON.stringify(body)));
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    return server.client().request(endpoint.method, endpoint.path, body, headers);
  };

  before(async () => {
    await ensureDeviceGroup(server.admin, 'contract-walk');
    const response = await server.admin.request('POST', '/api/v1/oem/tenants', {
      name: 'Contract walk',
      groups: ['contract-walk'],
    });
    assert.equal(response.status, 201, response.text);
    tenantId = response.json(Tenant).id;
  });

  for (const endpoint of ENDPOINTS) {
    const { access } = endpoint;
    if (access.kind !== 'scriptToken') continue;
    test(`${endpoint.id} refuses a call without a script token, or with an unknown one`, async () => {
      const missing = await callWith(endpoint, access.operation, undefined);
      assert.equal(missing.status, 401, missing.text);
      assert.equal(missing.json(ErrorBody).code, 'AUTH_REQUIRED');
      const unknown = await callWith(endpoint, access.operation, 'not-a-script-token-of-anyone');
      assert.equal(unknown.status, 401, unknown.text);
      assert.equal(unknown.json(ErrorBody).code, 'TOKEN_INVALID');
    });
    const { permission } = access;
    if (permission === undefined) {
      test(`${endpoint.id} serves any token of the tenant (it names no token permission)`, async () => {
        const response = await callWith(
          endpoint,
          access.operation,
          await tokenWithout('manageTenants'),
        );
        assert.equal(response.status, endpoint.success.status, response.text);
      });
      continue;
    }
    test(`${endpoint.id} refuses a token without ${permission}, and not one with it`, async () => {
      const refused = await callWith(endpoint, access.operation, await tokenWithout(permission));
      assert.equal(refused.status, 403, refused.text);
      const error = refused.json(ErrorBody);
      assert.equal(error.code, 'FORBIDDEN');
      assert.ok(error.message.includes(permission), error.message);
      const allowed = await callWith(endpoint, access.operation, await tokenWithout(undefined));
      assert.notEqual(allowed.status, 403, allowed.text);
    });
  }
});
