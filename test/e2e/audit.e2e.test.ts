import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import {
  AuditEntry,
  AuditPage,
  CreateSessionResponse,
  ErrorBody,
  UserResponse,
  type Device,
  type User,
} from '@tether/protocol';
import { z } from 'zod';
import { renameDeviceInDatabase } from '../../packages/server/test/support/database-sql.js';
import type { HttpsClient } from '../support/https-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// The audit names who and what (issue 12): real server, real agents, real sign-ins and sessions.

let server: TestServer;
let alice: User;
let bob: User;
let deviceA: Device;
let deviceB: Device;
let aliceSessionId = '';
/** Between the setup's sign-ins and the sessions requested a minute later. */
let sessionsFrom = '';
const agents: { stop(): Promise<void> }[] = [];

async function createUser(username: string): Promise<User> {
  const password = `${username}-first-password`;
  const created = await server.admin.request('POST', '/api/v1/users', {
    username,
    role: 'technician',
    password,
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  return created.json(UserResponse).user;
}

async function signIn(username: string): Promise<HttpsClient> {
  const client = server.client();
  const login = await client.request('POST', '/api/v1/auth/login', {
    username,
    password: `${username}-first-password`,
  });
  assert.equal(login.status, 200, login.text);
  return client;
}

async function requestTerminal(client: HttpsClient, device: Device): Promise<string> {
  const created = await client.request('POST', '/api/v1/sessions', {
    deviceId: device.id,
    kind: 'terminal',
  });
  assert.equal(created.status, 201, created.text);
  return created.json(CreateSessionResponse).session.id;
}

async function list(query = ''): Promise<AuditEntry[]> {
  const response = await server.admin.request('GET', `/api/v1/audit?limit=1000${query}`);
  assert.equal(response.status, 200, response.text);
  const page = response.json(AuditPage);
  assert.equal(page.hasMore, false);
  return page.entries;
}

before(async () => {
  server = await createTestServer();
  alice = await createUser('alice');
  bob = await createUser('bob');
  const [agentA, agentB] = [await server.startAgent(), await server.startAgent()];
  agents.push(agentA, agentB);
  deviceA = agentA.device;
  deviceB = agentB.device;
  const [aliceClient, bobClient] = [await signIn('alice'), await signIn('bob')];
  server.clock.advance(60_000);
  sessionsFrom = server.clock.now().toISOString();
  server.clock.advance(1000);
  aliceSessionId = await requestTerminal(aliceClient, deviceA);
  await requestTerminal(bobClient, deviceB);
});
after(async () => {
  for (const agent of agents) await agent.stop();
  await server.close();
});

describe('the audit log', () => {
  test('entries name the user and the device, with their ids and the session', async () => {
    const requested = (await list()).find(
      (entry) => entry.action === 'session.requested' && entry.user?.id === alice.id,
    );
    assert.ok(requested, 'alice requested a session');
    assert.deepEqual(requested.user, {
      id: alice.id,
      username: 'alice',
      displayName: '',
      isDeleted: false,
    });
    assert.deepEqual(requested.device, { id: deviceA.id, name: deviceA.name });
    assert.equal(requested.sessionId, aliceSessionId);
  });

  test('filters by user, device, action and time each narrow to exactly their entries', async () => {
    const ids = (entries: AuditEntry[]) => entries.map((entry) => entry.id);
    // The agents may still be answering their session offers, which the log records: compare
    // a filtered read only with the whole log read just before and just after it, unchanged.
    const readBetween = async (query: string) => {
      for (;;) {
        const before = await list();
        const filtered = await list(query);
        const afterwards = await list();
        if (ids(before).join() === ids(afterwards).join()) return { all: before, filtered };
      }
    };
    const expect = async (query: string, keep: (entry: AuditEntry) => boolean) => {
      const { all, filtered } = await readBetween(query);
      assert.ok(filtered.length > 0, `${query} selects something`);
      assert.ok(filtered.length < all.length, `${query} leaves something out`);
      assert.deepEqual(ids(filtered), ids(all.filter(keep)), query);
    };
    await expect(`&user=${alice.id}`, (entry) => entry.user?.id === alice.id);
    await expect(`&device=${deviceB.id}`, (entry) => entry.device?.id === deviceB.id);
    await expect('&action=auth.login', (entry) => entry.action === 'auth.login');
    await expect('&action=auth.login,session.requested', (entry) =>
      ['auth.login', 'session.requested'].includes(entry.action),
    );
    await expect(`&from=${sessionsFrom}`, (entry) => entry.at >= sessionsFrom);
    await expect(`&until=${sessionsFrom}`, (entry) => entry.at < sessionsFrom);
    const aliceOnB = await list(`&user=${alice.id}&device=${deviceB.id}`);
    assert.deepEqual(aliceOnB, [], 'filters combine');
    const logins = await list(`&action=auth.login&user=${bob.id}`);
    assert.deepEqual(
      logins.map((entry) => entry.user?.username),
      ['bob'],
    );
  });

  test('a renamed device shows its new name, also on the entries written before', async () => {
    await renameDeviceInDatabase(`sqlite:${server.dataDir}/tether.db`, deviceA.id, 'front-desk');
    const entries = await list(`&device=${deviceA.id}`);
    assert.ok(entries.length >= 2, 'enrolment, connection and the session');
    for (const entry of entries) assert.equal(entry.device?.name, 'front-desk');
  });

  test('the CSV and JSON exports hold exactly the filtered view', async () => {
    const query = `device=${deviceA.id}&action=session.requested,device.connected`;
    const listed = await list(`&${query}`);
    const csv = await server.admin.request('GET', `/api/v1/audit/export?${query}&format=csv`);
    assert.equal(csv.status, 200, csv.text);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(
      String(csv.headers['content-disposition']),
      /^attachment; filename="tether-audit-[\dT-]+\.csv"$/,
    );
    const [header, ...rows]: string[][] = parse(csv.text);
    const column = (name: string) => header?.indexOf(name) ?? -1;
    assert.deepEqual(
      rows.map((row) => Number(row[column('id')])),
      listed.map((entry) => entry.id),
    );
    assert.deepEqual(
      rows.map((row) => [row[column('action')], row[column('device')], row[column('user')]]),
      listed.map((entry) => [entry.action, entry.device?.name, entry.user?.username ?? '']),
    );
    const json = await server.admin.request('GET', `/api/v1/audit/export?${query}&format=json`);
    assert.match(String(json.headers['content-disposition']), /\.json"$/);
    assert.deepEqual(json.json(z.array(AuditEntry)), listed);
  });

  test('a cell a spreadsheet would run as a formula is exported as text', async () => {
    const renamed = await server.admin.request('PATCH', `/api/v1/users/${alice.id}`, {
      displayName: '=HYPERLINK("https://evil.test","open")',
    });
    assert.equal(renamed.status, 200, renamed.text);
    const csv = await server.admin.request(
      'GET',
      `/api/v1/audit/export?user=${alice.id}&format=csv`,
    );
    const [header, ...rows]: string[][] = parse(csv.text);
    const cell = rows[0]?.[header?.indexOf('user display name') ?? -1];
    assert.equal(cell, `'=HYPERLINK("https://evil.test","open")`);
  });

  test('a deleted user keeps their name on their entries, found by their id', async () => {
    const deleted = await server.admin.request('DELETE', `/api/v1/users/${bob.id}`);
    assert.equal(deleted.status, 204, deleted.text);
    const entries = await list(`&user=${bob.id}`);
    assert.ok(entries.some((entry) => entry.action === 'session.requested'));
    for (const entry of entries) {
      assert.equal(entry.user?.username, 'bob');
      assert.equal(entry.user.isDeleted, true);
    }
  });

  test('an unknown action or a malformed time is refused with the field named', async () => {
    for (const query of ['action=auth.login,nope', 'from=yesterday', `user=${'x'.repeat(5)}`]) {
      const response = await server.admin.request('GET', `/api/v1/audit?${query}`);
      assert.equal(response.status, 422, query);
      const error = ErrorBody.parse(JSON.parse(response.text));
      assert.equal(error.code, 'INVALID_INPUT');
      assert.match(error.message, new RegExp(query.split('=')[0] ?? ''));
    }
  });
});
