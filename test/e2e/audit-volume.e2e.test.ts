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

test('a flood of sign-ins from one source costs a bounded number of rows, and the summary counts it', async () => {
  const attacker = server.client('127.0.0.21');
  const statuses: number[] = [];
  // 300 guesses, 30 at a time: the throttle lets a handful be checked, the rest are refused.
  for (let batch = 0; batch < 10; batch++) {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        attacker.request('POST', '/api/v1/auth/login', {
          username: 'admin',
          password: `guess-${batch}-${index}`,
        }),
      ),
    );
    statuses.push(...answers.map((answer) => answer.status));
  }
  const refused = statuses.filter((status) => status === 429).length;
  const checked = statuses.filter((status) => status === 401).length;
  assert.equal(refused + checked, 300, statuses.join());
  assert.ok(refused >= 290, `most guesses are refused unchecked (${checked} checked)`);

  const fromAttacker = (entries: AuditEntry[]) =>
    entries.filter((entry) => entry.sourceAddress === '127.0.0.21');
  const rows = fromAttacker(await auditEntries('auth.login_failed'));
  const refusedRows = rows.filter((entry) => entry.details.reason !== 'wrong password');
  assert.equal(rows.length - refusedRows.length, checked, 'every checked guess is its own row');
  assert.ok(refusedRows.length >= 1, 'the first refusal is seen at once');
  assert.ok(refusedRows.length <= 2, 'one row per reason (rate limited, server busy)');

  server.clock.advance(61_000);
  const summaries = await waitFor('the summaries of the refused sign-ins', async () => {
    const found = fromAttacker(await auditEntries('refusals.summary'));
    return found.length > 0 ? found : undefined;
  });
  assert.ok(summaries.length <= 2, 'one summary per reason');
  const counted = summaries.reduce((sum, entry) => sum + Number(entry.details.count), 0);
  assert.equal(counted + refusedRows.length, refused, 'every refused sign-in is counted once');
  for (const summary of summaries) assert.equal(summary.details.action, 'auth.login_failed');
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
