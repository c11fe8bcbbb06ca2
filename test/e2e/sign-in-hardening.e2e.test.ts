import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { AuditPage, ErrorBody, wsCloseCode } from '@tether/protocol';
import type { HttpsClient } from '../support/https-client.js';
import { runCli, waitFor } from '../support/cli.js';
import { openTerminal } from '../support/terminal-client.js';
import { ADMIN_PASSWORD, createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(async () => server.close());

const signIn = (client: HttpsClient, password: string, username = 'admin') =>
  client.request('POST', '/api/v1/auth/login', { username, password });

/** Opens the console's device event stream; resolves once it is connected. */
function openEvents(cookie: string | undefined): Promise<{ ended: Promise<void> }> {
  const url = new URL('/api/v1/devices/events', server.url);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { ca: server.ca, headers: { origin: url.origin, ...(cookie ? { cookie } : {}) } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`event stream refused with ${response.statusCode}`));
          return;
        }
        const ended = new Promise<void>((done) => response.once('close', () => done()));
        response.once('data', () => resolve({ ended }));
        response.on('data', () => undefined);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** How many doubling delays, the first `firstMs` long, end within `ms`. */
function delaysElapsed(ms: number, firstMs: number): number {
  let count = 0;
  for (let delay = firstMs, total = firstMs; total <= ms; delay *= 2, total += delay) count++;
  return count;
}

/** Resolves when `ended` does; fails the test after a generous deadline. */
function within<T>(what: string, ended: Promise<T>, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    ended.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), ms);
    }),
  ]);
}

test('simultaneous sign-ins cannot all be checked, and a right password in a burst after the limit is refused', async () => {
  const client = server.client('127.0.0.41');
  // The connections are opened first, so that the burst reaches the server within milliseconds
  // rather than over the seconds 30 TLS handshakes take on a loaded machine.
  const burst = async (size: number, withRightPassword: boolean) => {
    await Promise.all(Array.from({ length: size }, () => client.request('GET', '/api/v1/auth/me')));
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: size }, (_, i) =>
        signIn(client, withRightPassword && i === size / 2 ? ADMIN_PASSWORD : `wrong-${i}`),
      ),
    );
    const checked = responses.filter((response) => response.status !== 429).length;
    return { responses, checked, ms: performance.now() - started };
  };
  const first = await burst(30, false);
  // Had the burst outlasted the first delay (1 s, then 2 s more, …), one more could pass each time.
  const firstAllowed = 4 + delaysElapsed(first.ms, 1000);
  assert.ok(first.checked <= firstAllowed, `${first.checked} of 30 were checked, not 3 free + 1`);
  assert.ok(first.checked >= 1, 'the first ones are checked');
  // Once the delay has passed, another burst gets one check.
  server.clock.advance(60_000);
  const second = await burst(30, false);
  assert.ok(
    second.checked <= 1 + delaysElapsed(second.ms, 2000),
    `${second.checked} attempts after the limit, not one`,
  );
  // Grow the delay past anything a burst could outlast, then send the right password in one.
  for (;;) {
    server.clock.advance(60_000);
    const guess = await signIn(client, 'wrong-again');
    assert.equal(guess.status, 401);
    const next = await signIn(client, 'wrong-again');
    assert.equal(next.status, 429);
    if (Number(next.json(ErrorBody).details?.retryAfterSec) >= 60) break;
  }
  const late = await burst(30, true);
  assert.equal(late.checked, 0, 'the right password inside the burst is refused too');
  assert.equal(late.responses[15]?.json(ErrorBody).code, 'RATE_LIMITED');
});

test('a malformed cookie escape is a 401, on the API and on the relay', async () => {
  const client = server.client();
  const me = await client.request('GET', '/api/v1/auth/me', undefined, {
    cookie: 'tether_session=%E0%A4%A',
  });
  assert.equal(me.status, 401);
  assert.equal(me.json(ErrorBody).code, 'AUTH_REQUIRED');
  client.cookie = 'tether_session=%E0%A4%A';
  const socket = client.websocket(`/relay/v1/${crypto.randomUUID()}?token=x`);
  const closed = await within(
    'the relay to refuse',
    new Promise<number>((resolve) => socket.on('close', (code) => resolve(code))),
  );
  assert.notEqual(closed, wsCloseCode.INTERNAL, 'not a server failure');
});

test('signing out ends the login: its event stream closes and the old cookie is refused', async () => {
  const session = server.client();
  assert.equal((await signIn(session, ADMIN_PASSWORD)).status, 200);
  const other = server.client();
  assert.equal((await signIn(other, ADMIN_PASSWORD)).status, 200);
  const cookie = session.cookie;
  const events = await openEvents(cookie);
  const otherEvents = await openEvents(other.cookie);
  assert.equal((await session.request('POST', '/api/v1/auth/logout')).status, 204);
  await within('the event stream to close on sign-out', events.ended);
  session.cookie = cookie;
  assert.equal((await session.request('GET', '/api/v1/auth/me')).status, 401);
  assert.equal(
    (await other.request('GET', '/api/v1/auth/me')).status,
    200,
    'the other browser stays signed in',
  );
  // A headless password reset ends every login of the user, with their streams.
  const reset = await runCli(['admin', 'reset-password', '--data-dir', server.dataDir]);
  assert.equal(reset.code, 0, reset.stderr);
  await within('the other event stream to close after the reset', otherEvents.ended);
  assert.equal((await other.request('GET', '/api/v1/auth/me')).status, 401);
  const password = /New password for admin: (\S+)/.exec(reset.stdout)?.[1] ?? '';
  const restore = await runCli(
    ['admin', 'reset-password', '--password-stdin', '--data-dir', server.dataDir],
    { input: `${ADMIN_PASSWORD}\n` },
  );
  assert.equal(restore.code, 0, restore.stderr);
  assert.notEqual(password, '');
  assert.equal((await signIn(server.admin, ADMIN_PASSWORD)).status, 200);
});

test('tether admin unlock clears a locked account headless, and is audited', async () => {
  // Many sources, one failure each, until the account's ceiling (not any one source) holds.
  for (let i = 1; ; i++) {
    const guess = await signIn(server.client(`127.0.3.${i}`), `wrong-${i}`);
    if (guess.status === 429) break;
    assert.ok(i < 30, 'the ceiling holds within 20 failures');
  }
  const locked = await signIn(server.client('127.0.4.1'), ADMIN_PASSWORD);
  assert.equal(locked.status, 429, 'a source that never signed in is held off');
  assert.equal(
    (await signIn(server.client('127.0.0.1'), ADMIN_PASSWORD)).status,
    200,
    'the administrator still signs in from where they did before',
  );

  const unlocked = await runCli(['admin', 'unlock', '--data-dir', server.dataDir]);
  assert.equal(unlocked.code, 0, unlocked.stderr);
  assert.match(unlocked.stdout, /Sign-in delays for admin cleared/);
  await waitFor(
    'the running server to apply the unlock',
    async () =>
      (await signIn(server.client('127.0.4.1'), ADMIN_PASSWORD)).status === 200 ? true : undefined,
    30_000,
  );
  const audit = await server.admin.request('GET', '/api/v1/audit?action=auth.unlocked&limit=5');
  const entry = audit.json(AuditPage).entries[0];
  assert.equal(entry?.target, 'admin');

  const unknown = await runCli([
    'admin',
    'unlock',
    '--username',
    'nobody',
    '--data-dir',
    server.dataDir,
  ]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no user "nobody"/);
  const help = await runCli(['admin', 'unlock', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: tether admin unlock \[--username NAME\]/);
});

test("signing out ends the technician's open terminal: the relay closes with AUTH_REQUIRED", async () => {
  const agent = await server.startAgent();
  const technician = server.client();
  assert.equal((await signIn(technician, ADMIN_PASSWORD)).status, 200);
  const terminal = await openTerminal(technician, agent.device.id);
  terminal.type('echo "still-$((40 + 2))"\r');
  await terminal.waitForOutput(/still-42/);
  assert.equal((await technician.request('POST', '/api/v1/auth/logout')).status, 204);
  const closed = await within('the terminal to close on sign-out', terminal.closed);
  assert.equal(closed.code, wsCloseCode.AUTH_REQUIRED);
  assert.match(closed.reason, /login that opened this session has ended/);
  await agent.stop();
});
