import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, test } from 'node:test';
import { AuditPage, ErrorBody, wsCloseCode } from '@tether/protocol';
import type { HttpsClient } from '../support/https-client.js';
import { runCli, waitFor } from '../support/cli.js';
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

test('simultaneous sign-ins cannot all be checked: a burst gets only the attempts the limit allows', async () => {
  const client = server.client('127.0.0.41');
  const burst = (size: number) =>
    Promise.all(
      Array.from({ length: size }, (_, i) =>
        signIn(client, i === size - 1 ? ADMIN_PASSWORD : `wrong-${i}`),
      ),
    );
  const first = await burst(30);
  const checked = first.filter((response) => response.status !== 429).length;
  assert.ok(checked <= 4, `${checked} of 30 simultaneous sign-ins were checked (3 free + 1)`);
  assert.ok(checked >= 1, 'the first ones are checked');
  // Once the delay has passed, a second burst with the right password in it gets one check.
  server.clock.advance(60_000);
  const second = await burst(30);
  const checkedAgain = second.filter((response) => response.status !== 429);
  assert.equal(checkedAgain.length, 1, 'one attempt after the limit, not thirty');
  const refused = second.find((response) => response.status === 429);
  assert.ok(refused);
  assert.equal(refused.json(ErrorBody).code, 'RATE_LIMITED');
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
