import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import {
  AuditPage,
  CreateSessionResponse,
  DeviceList,
  ErrorBody,
  type AuditEntry,
} from '@tether/protocol';
import { runCli, waitFor } from '../support/cli.js';
import { createTestServer, ADMIN_PASSWORD, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(async () => server.close());

const closeOf = (socket: WebSocket): Promise<{ code: number; reason: string }> =>
  new Promise((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );

test('wrong passwords are refused with a growing delay per account and source', async () => {
  const client = server.client('127.0.0.3');
  const attempt = (password: string) =>
    client.request('POST', '/api/v1/auth/login', { username: 'admin', password });
  for (let i = 0; i < 4; i++) assert.equal((await attempt('wrong')).status, 401);
  const blocked = await attempt('wrong');
  assert.equal(blocked.status, 429);
  assert.equal(blocked.json(ErrorBody).details?.retryAfterSec, 1);
  assert.equal(
    (await attempt(ADMIN_PASSWORD)).status,
    429,
    'even the right password waits out the delay',
  );
  server.clock.advance(1100);
  assert.equal((await attempt('wrong')).status, 401);
  const longer = await attempt('wrong');
  assert.equal(longer.status, 429);
  assert.equal(longer.json(ErrorBody).details?.retryAfterSec, 2, 'the delay doubles');
  assert.equal(longer.headers['retry-after'], '2');
  server.clock.advance(2100);
  assert.equal((await attempt(ADMIN_PASSWORD)).status, 200);
  const failures = await auditFrom('auth.login_failed', '127.0.0.3');
  assert.deepEqual(
    failures.map((entry) => entry.details.reason).sort(),
    ['rate limited', ...Array<string>(5).fill('wrong password')],
    'every checked guess is a row; the first throttled one too, at once',
  );
  server.clock.advance(61_000);
  const summary = await waitFor(
    'the summary of the throttled sign-ins',
    async () => (await auditFrom('refusals.summary', '127.0.0.3'))[0],
  );
  assert.deepEqual(
    [summary.details.action, summary.details.reason, summary.details.count],
    ['auth.login_failed', 'rate limited', 2],
    'the two later throttled sign-ins are counted',
  );
});

async function auditFrom(action: string, sourceAddress: string): Promise<AuditEntry[]> {
  const page = await server.admin.request('GET', `/api/v1/audit?action=${action}&limit=200`);
  assert.equal(page.status, 200, page.text);
  return page.json(AuditPage).entries.filter((entry) => entry.sourceAddress === sourceAddress);
}

async function deviceCount(): Promise<number> {
  return (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList).devices.length;
}

async function enrollWith(
  token: string,
): Promise<{ code: number; stderr: string; wroteIdentity: boolean }> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-refused-'));
  try {
    const result = await runCli([
      'agent',
      'enroll',
      '--server',
      server.url,
      '--token',
      token,
      '--data-dir',
      dir,
    ]);
    return {
      code: result.code,
      stderr: result.stderr,
      wroteIdentity: existsSync(join(dir, 'agent.json')) || existsSync(join(dir, 'identity.pem')),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a tampered enrolment token is refused and creates nothing', async () => {
  const { token } = await server.createInstaller({ group: 'Tamper' });
  const [prefix, claims, signature] = token.split('.') as [string, string, string];
  const decoded = JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  const forged = Buffer.from(JSON.stringify({ ...decoded, group: 'Domain controllers' })).toString(
    'base64url',
  );
  const before = await deviceCount();
  const result = await enrollWith(`${prefix}.${forged}.${signature}`);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /not issued by this server, or it was altered/);
  assert.equal(result.wroteIdentity, false);
  assert.equal(await deviceCount(), before);
  const garbage = await enrollWith('not-a-token');
  assert.equal(garbage.code, 1);
  assert.match(garbage.stderr, /not a valid enrolment token/i);
});

test('an expired or revoked enrolment token is refused with a clear message', async () => {
  const expiring = await server.createInstaller({ validForSec: 600 });
  const revoked = await server.createInstaller();
  assert.equal(
    (await server.admin.request('DELETE', `/api/v1/installers/${revoked.installer.id}`)).status,
    204,
  );
  const before = await deviceCount();
  const revokedResult = await enrollWith(revoked.token);
  assert.equal(revokedResult.code, 1);
  assert.match(revokedResult.stderr, /revoked/);
  server.clock.advance(601_000);
  const expiredResult = await enrollWith(expiring.token);
  assert.equal(expiredResult.code, 1);
  assert.match(expiredResult.stderr, /expired/);
  assert.equal(await deviceCount(), before);
});

test('installer validity outside 10 minutes … 1 year is refused', async () => {
  const response = await server.admin.request('POST', '/api/v1/installers', {
    group: 'x',
    validForSec: 60,
  });
  assert.equal(response.status, 422);
  assert.match(response.json(ErrorBody).message, /validForSec/);
});

test('a relay token is refused after 60 seconds', async () => {
  const agent = await server.startAgent();
  const response = await server.admin.request('POST', '/api/v1/sessions', {
    deviceId: agent.device.id,
    kind: 'terminal',
  });
  const { relay } = response.json(CreateSessionResponse);
  server.clock.advance(61_000);
  const socket = server.admin.websocket(`${relay.path}?token=${relay.token}`);
  const closed = await closeOf(socket);
  assert.equal(closed.code, 4401);
  assert.match(closed.reason, /expired/);
  await agent.stop();
});

test('a WebSocket upgrade from a foreign Origin is refused before it opens', async () => {
  const socket = server.admin.websocket('/api/v1/agent/connect', {
    origin: 'https://evil.example',
  });
  const status = await new Promise<number>((resolve) => {
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => resolve(101));
    socket.on('error', () => undefined);
  });
  assert.equal(status, 403);
});

test('malformed control messages close the connection with a reason and the server stays up', async () => {
  for (const [payload, reason] of [
    ['this is not json', /not JSON/],
    [JSON.stringify({ type: 'hello', deviceId: 'nope' }), /Malformed message/],
    [JSON.stringify({ type: 'stats', stats: {} }), /Unexpected "stats"/],
  ] as const) {
    const socket = server.admin.websocket('/api/v1/agent/connect', { origin: null });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(payload);
    const closed = await closeOf(socket);
    assert.equal(closed.code, 4422, `closed for ${payload}`);
    assert.match(closed.reason, reason);
  }
  assert.equal((await server.admin.request('GET', '/api/v1/health')).status, 200);
});

test('the admin interface refuses addresses outside localhost and the trusted networks', async () => {
  const fromLocalhost = await server
    .client()
    .request('GET', new URL('/conf', server.adminUrl).href);
  assert.equal(fromLocalhost.status, 200);
  assert.match(fromLocalhost.text, /<div id="root">/, 'the admin console app');
  const stranger = server.client('127.0.0.2');
  const refused = await stranger.request('GET', new URL('/conf', server.adminUrl).href);
  assert.equal(refused.status, 403);
  assert.match(refused.text, /trusted-networks add/);
  assert.equal(
    (await stranger.request('GET', new URL('/metrics', server.adminUrl).href)).status,
    403,
  );

  const added = await runCli([
    'admin',
    'trusted-networks',
    'add',
    '127.0.0.2/32',
    '--data-dir',
    server.dataDir,
  ]);
  assert.equal(added.code, 0, added.stderr);
  await waitFor(
    'the server to pick up the trusted network',
    async () => {
      const response = await stranger.request('GET', new URL('/conf', server.adminUrl).href);
      return response.status === 200 ? true : undefined;
    },
    12_000,
  );
  const metrics = await stranger.request('GET', new URL('/metrics', server.adminUrl).href);
  assert.match(metrics.text, /tether_devices_online/);
  const bad = await runCli([
    'admin',
    'trusted-networks',
    'add',
    '10.0.0.0/99',
    '--data-dir',
    server.dataDir,
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not an IP address or CIDR subnet/);
});
