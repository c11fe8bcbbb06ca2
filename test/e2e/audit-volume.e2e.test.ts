import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { AGENT_CONNECT_PATH, AuditPage, type AuditEntry } from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer({ config: { audit: { retentionDays: 30 } } });
});
after(async () => server.close());

async function auditEntries(action: string): Promise<AuditEntry[]> {
  const page = await server.admin.request('GET', `/api/v1/audit?action=${action}&limit=200`);
  assert.equal(page.status, 200, page.text);
  return page.json(AuditPage).entries;
}

/** A WebSocket upgrade from a foreign site, from `localAddress`: refused before it opens. */
function foreignUpgrade(localAddress: string): Promise<void> {
  const url = new URL(AGENT_CONNECT_PATH, server.url);
  url.protocol = 'wss:';
  const socket = new WebSocket(url, {
    ca: server.ca,
    localAddress,
    headers: { origin: 'https://evil.example' },
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error('a foreign origin was let in')));
    socket.once('error', () => resolve());
  });
}

test('refusals are audited once per source, then summarised with a count', async () => {
  for (let i = 0; i < 30; i++) await foreignUpgrade('127.0.0.8');
  await foreignUpgrade('127.0.0.9');
  const refused = await auditEntries('relay.refused');
  assert.equal(refused.filter((entry) => entry.sourceAddress === '127.0.0.8').length, 1);
  assert.equal(refused.filter((entry) => entry.sourceAddress === '127.0.0.9').length, 1);

  server.clock.advance(61_000);
  const summary = await waitFor('the summary of the refusals', async () =>
    (await auditEntries('refusals.summary')).find((entry) => entry.sourceAddress === '127.0.0.8'),
  );
  assert.equal(summary.details.count, 29);
  assert.equal(summary.details.action, 'relay.refused');
  const quiet = await auditEntries('refusals.summary');
  assert.equal(
    quiet.filter((entry) => entry.sourceAddress === '127.0.0.9').length,
    0,
    'a source refused once has no summary',
  );

  await foreignUpgrade('127.0.0.8');
  assert.equal(
    (await auditEntries('relay.refused')).filter((entry) => entry.sourceAddress === '127.0.0.8')
      .length,
    2,
    'a new window starts with a full row again',
  );
});

test('audit entries older than the retention are deleted, and the deletion is audited', async () => {
  const before = await auditEntries('relay.refused');
  assert.ok(before.length > 0);
  server.clock.advance(31 * 86_400_000);
  // Sessions expire over a month too: sign in again, as the administrator would.
  const login = await server.admin.request('POST', '/api/v1/auth/login', {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  assert.equal(login.status, 200, login.text);
  const pruned = await waitFor(
    'the retention sweep',
    async () => (await auditEntries('audit.pruned'))[0],
    20_000,
  );
  assert.ok(Number(pruned.details.deleted) >= before.length);
  assert.equal(pruned.details.retentionDays, 30);
  assert.deepEqual(await auditEntries('relay.refused'), [], 'the old refusals are gone');
  assert.ok((await auditEntries('auth.login')).length >= 1, 'the new sign-in is kept');
});
