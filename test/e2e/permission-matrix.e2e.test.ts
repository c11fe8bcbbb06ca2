import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  AuditPage,
  CreateSessionResponse,
  ENDPOINTS,
  ErrorBody,
  LoginResponse,
  RoleList,
  RoleResponse,
  ROLE_PERMISSIONS,
  UserResponse,
  wsCloseCode,
  type AnyEndpoint,
  type Permission,
} from '@tether/protocol';
import { openDeviceEvents } from '../support/device-events.js';
import { clientFor } from '../support/admin-client.js';
import { HttpsClient } from '../support/https-client.js';
import { joinTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

/**
 * The permission matrix (issue 12), generated from the endpoint contracts: for each built-in
 * role and a custom role, every user contract is allowed (anything but 401/403) or refused
 * (403 FORBIDDEN naming the permission) exactly as the role's permissions say.
 */

const HELPDESK: readonly Permission[] = ['console.use', 'devices.view', 'sessions.open'];

interface Signed {
  permissions: readonly Permission[];
  client: HttpsClient;
  username: string;
  password: string;
}

let server: TestServer;
const roles = new Map<string, Signed>();

async function signIn(username: string, password: string): Promise<HttpsClient> {
  const client = server.client();
  const login = await client.request('POST', '/api/v1/auth/login', { username, password });
  assert.equal(login.status, 200, login.text);
  return client;
}

async function createUser(username: string, role: string): Promise<string> {
  const password = `${username}-password-1234`;
  const created = await server.admin.request('POST', '/api/v1/users', {
    username,
    role,
    password,
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  return created.json(UserResponse).user.id;
}

before(async () => {
  server = await createTestServer();
  const helpdesk = await server.admin.request('POST', '/api/v1/roles', {
    name: 'Helpdesk',
    description: 'First line: sees devices, opens sessions',
    permissions: ['devices.view', 'sessions.open'],
  });
  assert.equal(helpdesk.status, 201, helpdesk.text);
  const helpdeskRole = helpdesk.json(RoleResponse).role;
  assert.deepEqual(helpdeskRole.permissions, HELPDESK, 'console.use is added');
  const cases: [string, string, readonly Permission[]][] = [
    ['privileged', 'privileged', ROLE_PERMISSIONS.privileged],
    ['technician', 'technician', ROLE_PERMISSIONS.technician],
    ['auditor', 'auditor', ROLE_PERMISSIONS.auditor],
    ['helpdesk', helpdeskRole.id, HELPDESK],
  ];
  for (const [username, role, permissions] of cases) {
    await createUser(username, role);
    const password = `${username}-password-1234`;
    const client = await signIn(username, password);
    const me = await client.request('GET', '/api/v1/auth/me');
    assert.deepEqual(me.json(LoginResponse).permissions, permissions, `${username}: auth/me`);
    roles.set(username, { permissions, client, username, password });
  }
  roles.set('administrator', {
    permissions: ROLE_PERMISSIONS.administrator,
    client: server.admin,
    username: 'admin',
    password: '',
  });
});

after(() => server.close());

/** A request with made-up path parameters and an empty body: never a valid change. */
async function call(signedIn: HttpsClient, endpoint: AnyEndpoint): Promise<number> {
  // Admin-listener contracts (`/conf/api/…`) are served there only, with the same login.
  const client = clientFor(server, endpoint, signedIn);
  const path = endpoint.path.replace(/:[A-Za-z]+/g, randomUUID());
  if (endpoint.success.contentType === 'text/event-stream') {
    // A stream answers with its headers and stays open: read the status, then close it.
    try {
      (await openDeviceEvents(server, client.cookie)).close();
      return 200;
    } catch (error) {
      return Number(/refused with (\d+)/.exec(String(error))?.[1] ?? 0);
    }
  }
  const response = await client.request(endpoint.method, path, endpoint.body ? {} : undefined);
  if (response.status === 403) {
    const error = response.json(ErrorBody);
    assert.equal(error.code, 'FORBIDDEN', response.text);
    assert.ok(error.message.includes('permission'), error.message);
  }
  return response.status;
}

describe('permission matrix: every user contract for every role', () => {
  for (const role of ['administrator', 'privileged', 'technician', 'auditor', 'helpdesk']) {
    test(`${role}: allowed and refused exactly as the role's permissions say`, async () => {
      const signed = roles.get(role);
      assert.ok(signed);
      const mismatches: string[] = [];
      for (const endpoint of ENDPOINTS) {
        const { access } = endpoint;
        if (access.kind !== 'user') continue;
        const allowed = signed.permissions.includes(access.permission);
        // Signing out would end this client's login: checked with a login of its own.
        const client =
          endpoint.id === 'auth.logout' && signed.password
            ? await signIn(signed.username, signed.password)
            : signed.client;
        if (endpoint.id === 'auth.logout' && !signed.password) continue;
        const status = await call(client, endpoint);
        const wasAllowed = status !== 401 && status !== 403;
        if (wasAllowed !== allowed)
          mismatches.push(
            `${endpoint.id} (${access.permission}): ${status}, expected ${allowed ? 'allowed' : '403'}`,
          );
      }
      assert.deepEqual(mismatches, []);
    });
  }

  test('an auditor sees sessions, policies, installers, settings and the audit log, and changes nothing', async () => {
    const auditor = roles.get('auditor')?.client;
    assert.ok(auditor);
    for (const path of [
      '/api/v1/sessions',
      '/api/v1/policies',
      '/api/v1/installers',
      '/api/v1/audit',
    ])
      assert.equal((await auditor.request('GET', path)).status, 200, path);
    // The admin listener's settings: read, never changed.
    const conf = new HttpsClient(new URL(server.adminUrl).origin, server.ca);
    conf.cookie = auditor.cookie;
    assert.equal((await conf.request('GET', '/conf/api/trusted-networks')).status, 200);
    const change = await conf.request('PUT', '/conf/api/trusted-networks', {
      networks: ['10.0.0.0/8'],
    });
    assert.equal(change.status, 403, change.text);
    assert.match(change.json(ErrorBody).message, /settings\.manage/);
    const open = await auditor.request('POST', '/api/v1/sessions', {
      deviceId: randomUUID(),
      kind: 'terminal',
      cols: 80,
      rows: 24,
    });
    assert.equal(open.status, 403, open.text);
    // Filtered: the matrix above refuses every role on every contract, hundreds of rows.
    const audit = await server.admin.request(
      'GET',
      '/api/v1/audit?action=permission.refused&q=sessions.create&limit=1000',
    );
    const refusal = audit
      .json(AuditPage)
      .entries.find(
        (entry) =>
          entry.action === 'permission.refused' &&
          entry.actor === 'auditor' &&
          entry.target === 'sessions.create',
      );
    assert.ok(refusal, 'the refused session is in the audit log');
    assert.equal(refusal.details.permission, 'sessions.open');
  });
});

describe('a role change takes effect at the next request and at the relay', () => {
  test('a technician made auditor cannot join the session they asked for: refused and audited', async () => {
    const { device } = await server.startAgent();
    const userId = await createUser('tess', 'technician');
    const tess = await signIn('tess', 'tess-password-1234');
    const response = await tess.request('POST', '/api/v1/sessions', {
      deviceId: device.id,
      kind: 'terminal',
      cols: 80,
      rows: 24,
    });
    assert.equal(response.status, 201, response.text);
    const { relay } = response.json(CreateSessionResponse);

    const demoted = await server.admin.request('PATCH', `/api/v1/users/${userId}`, {
      role: 'auditor',
    });
    assert.equal(demoted.status, 200, demoted.text);
    const me = await tess.request('GET', '/api/v1/auth/me');
    assert.ok(!me.json(LoginResponse).permissions.includes('sessions.open'), 'at once');

    const terminal = await joinTerminal(tess, relay);
    const closed = await terminal.closed;
    assert.equal(closed.code, wsCloseCode.FORBIDDEN, closed.reason);
    assert.match(closed.reason, /sessions\.open/);
    // Filtered: the matrix above refuses every role on every contract, hundreds of rows.
    const audit = await server.admin.request(
      'GET',
      '/api/v1/audit?action=relay.refused&limit=1000',
    );
    const refusal = audit
      .json(AuditPage)
      .entries.find((entry) => entry.action === 'relay.refused' && entry.target !== null);
    assert.ok(refusal, 'the refused relay join is in the audit log');
    assert.match(String(refusal.details.reason), /sessions\.open/);
  });

  test("a custom role's new permissions apply at its users' next request", async () => {
    const helpdesk = roles.get('helpdesk');
    assert.ok(helpdesk);
    assert.equal((await helpdesk.client.request('GET', '/api/v1/audit')).status, 403);
    const list = await server.admin.request('GET', '/api/v1/roles');
    const role = list.json(RoleList).roles.find((candidate) => candidate.name === 'Helpdesk');
    assert.ok(role);
    const changed = await server.admin.request('PATCH', `/api/v1/roles/${role.id}`, {
      permissions: [...HELPDESK, 'audit.read'],
    });
    assert.equal(changed.status, 200, changed.text);
    assert.equal((await helpdesk.client.request('GET', '/api/v1/audit')).status, 200);
    const restored = await server.admin.request('PATCH', `/api/v1/roles/${role.id}`, {
      permissions: HELPDESK,
    });
    assert.equal(restored.status, 200, restored.text);
    assert.equal((await helpdesk.client.request('GET', '/api/v1/audit')).status, 403);
  });
});
