import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { AuditEntry, AuditPage, UserResponse, type User } from '@tether/protocol';
import { z } from 'zod';
import { runCli } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let alice: User;

const audit = (...args: string[]) => runCli(['audit', ...args, '--data-dir', server.dataDir]);

async function signIn(username: string, password: string): Promise<void> {
  const login = await server.client().request('POST', '/api/v1/auth/login', { username, password });
  assert.equal(login.status, 200, login.text);
}

before(async () => {
  server = await createTestServer();
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'alice',
    displayName: '-Alice',
    role: 'technician',
    password: 'alice-first-password',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  alice = created.json(UserResponse).user;
  for (let i = 0; i < 3; i += 1) await signIn('alice', 'alice-first-password');
});
after(() => server.close());

async function apiList(query: string): Promise<AuditEntry[]> {
  const response = await server.admin.request('GET', `/api/v1/audit?limit=1000&${query}`);
  return response.json(AuditPage).entries;
}

test('tether audit export writes the filtered view as CSV, the same entries the API lists', async () => {
  const exported = await audit('export', '--format', 'csv', '--user', 'alice', '--since', '1h');
  assert.equal(exported.code, 0, exported.stderr);
  const [header, ...rows]: string[][] = parse(exported.stdout);
  const column = (name: string) => header?.indexOf(name) ?? -1;
  const listed = await apiList(`user=${alice.id}`);
  assert.ok(listed.length >= 3, 'three sign-ins');
  assert.deepEqual(
    rows.map((row) => Number(row[column('id')])),
    listed.map((entry) => entry.id),
  );
  for (const row of rows) {
    assert.equal(row[column('user')], 'alice');
    assert.equal(row[column('user display name')], "'-Alice", 'a leading - is no formula');
  }

  const json = await audit('export', '--format', 'json', '--action', 'auth.login,user.created');
  assert.equal(json.code, 0, json.stderr);
  const parsed = z.array(AuditEntry).parse(JSON.parse(json.stdout));
  assert.deepEqual(parsed, await apiList('action=auth.login,user.created'));
  assert.ok(parsed.some((entry) => entry.action === 'user.created'));
});

test('tether audit list shows names and says when more entries match', async () => {
  const listed = await audit('list', '--user', 'alice', '--action', 'auth.login', '--limit', '2');
  assert.equal(listed.code, 0, listed.stderr);
  const lines = listed.stdout.trim().split('\n');
  assert.equal(lines[0], 'TIME\tACTION\tUSER\tDEVICE\tDETAILS');
  assert.deepEqual(
    lines.slice(1, 3).map((line) => line.split('\t').slice(1, 4)),
    [
      ['auth.login', '-Alice', '-'],
      ['auth.login', '-Alice', '-'],
    ],
  );
  assert.match(lines[3] ?? '', /more entries match/);
});

test('tether audit refuses an unknown user, device, action or time, naming it', async () => {
  for (const [flag, value, message] of [
    ['--user', 'nobody', /No user "nobody"/],
    ['--device', 'no-such-pc', /No device named "no-such-pc"/],
    ['--action', 'auth.nope', /Unknown audit action "auth.nope"/],
    ['--since', 'yesterday', /--since "yesterday"/],
  ] as const) {
    const result = await audit('export', flag, value);
    assert.notEqual(result.code, 0, `${flag} ${value}`);
    assert.match(result.stderr, message);
    assert.equal(result.stdout, '', 'nothing written');
  }
  const help = await runCli(['audit', 'export', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--format csv\|json\|ndjson/);
});
