import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { AuditPage, ErrorBody, LoginResponse, UserList, UserResponse } from '@tether/protocol';
import { createTestServer, type TestServer } from '../support/test-server.js';
import type { HttpsClient } from '../support/https-client.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

async function createUser(
  username: string,
  body: { role?: string; password?: string; mustChangePassword?: boolean } = {},
) {
  const response = await server.admin.request('POST', '/api/v1/users', {
    username,
    role: 'technician',
    password: `${username}-first-password`,
    ...body,
  });
  assert.equal(response.status, 201, response.text);
  return response.json(UserResponse).user;
}

async function signIn(username: string, password: string): Promise<HttpsClient> {
  const client = server.client();
  const login = await client.request('POST', '/api/v1/auth/login', { username, password });
  assert.equal(login.status, 200, login.text);
  return client;
}

const codeOf = (response: { text: string }) => ErrorBody.parse(JSON.parse(response.text)).code;

async function usernames(): Promise<string[]> {
  const response = await server.admin.request('GET', '/api/v1/users');
  return response.json(UserList).users.map((user) => user.username);
}

async function auditText(): Promise<string> {
  return (await server.admin.request('GET', '/api/v1/audit?limit=200')).text;
}

/** The console's device event stream opened with a client's cookie; resolves once it is open. */
function openEvents(client: HttpsClient): Promise<{ closed: Promise<void> }> {
  const url = new URL('/api/v1/devices/events', server.url);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { ca: server.ca, headers: { origin: url.origin, cookie: client.cookie ?? '' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`event stream refused with ${response.statusCode}`));
          return;
        }
        const closed = new Promise<void>((done) => response.once('close', () => done()));
        response.resume();
        resolve({ closed });
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('an administrator manages users', () => {
  test('a new technician must change the password first, then works with devices but not users', async () => {
    const created = await createUser('jo', { mustChangePassword: true });
    assert.equal(created.mustChangePassword, true);
    const jo = server.client();
    const login = await jo.request('POST', '/api/v1/auth/login', {
      username: 'jo',
      password: 'jo-first-password',
    });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.json(LoginResponse).user.mustChangePassword, true, 'told at sign-in');

    const blocked = await jo.request('GET', '/api/v1/devices');
    assert.equal(blocked.status, 403);
    assert.equal(codeOf(blocked), 'PASSWORD_CHANGE_REQUIRED');
    assert.equal((await jo.request('GET', '/api/v1/auth/me')).status, 200);

    const wrong = await jo.request('POST', '/api/v1/account/password', {
      currentPassword: 'not-my-password',
      newPassword: 'a brand new passphrase',
    });
    assert.equal(wrong.status, 422, wrong.text);
    const short = await jo.request('POST', '/api/v1/account/password', {
      currentPassword: 'jo-first-password',
      newPassword: 'short',
    });
    assert.equal(short.status, 422, short.text);
    assert.match(short.text, /12 characters/);
    assert.equal(codeOf(await jo.request('GET', '/api/v1/devices')), 'PASSWORD_CHANGE_REQUIRED');

    const changed = await jo.request('POST', '/api/v1/account/password', {
      currentPassword: 'jo-first-password',
      newPassword: 'a brand new passphrase',
    });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json(LoginResponse).user.mustChangePassword, false);

    assert.equal((await jo.request('GET', '/api/v1/devices')).status, 200, 'same sign-in goes on');
    const users = await jo.request('GET', '/api/v1/users');
    assert.equal(users.status, 403);
    assert.equal(codeOf(users), 'FORBIDDEN');
    const old = await server
      .client()
      .request('POST', '/api/v1/auth/login', { username: 'jo', password: 'jo-first-password' });
    assert.equal(old.status, 401);
    await signIn('jo', 'a brand new passphrase');

    const renamed = await jo.request('PATCH', '/api/v1/account', { displayName: 'Jo Martin' });
    assert.equal(renamed.json(LoginResponse).user.displayName, 'Jo Martin');

    const audit = await auditText();
    assert.match(audit, /"user\.created"/);
    assert.match(audit, /"user\.password_changed"/);
    assert.doesNotMatch(audit, /first-password|brand new passphrase/, 'no password in the audit');
  });

  test('wrong current passwords count like wrong sign-ins and are throttled', async () => {
    await createUser('gus', { mustChangePassword: false });
    const gus = await signIn('gus', 'gus-first-password');
    const attempt = () =>
      gus.request('POST', '/api/v1/account/password', {
        currentPassword: 'a wrong guess',
        newPassword: 'a brand new passphrase',
      });
    const statuses: number[] = [];
    for (let index = 0; index < 6; index += 1) statuses.push((await attempt()).status);
    assert.deepEqual(statuses.slice(0, 3), [422, 422, 422], 'three free failures');
    assert.ok(statuses.includes(429), `then throttled: ${statuses.join(', ')}`);
    const page = (await server.admin.request('GET', '/api/v1/audit?limit=100')).json(AuditPage);
    const guesses = page.entries.filter(
      (entry) => entry.action === 'auth.login_failed' && entry.actor === 'gus',
    );
    const checked = statuses.filter((status) => status === 422).length;
    assert.equal(guesses.length, checked, 'each checked wrong password is audited');
  });

  test('disabling a user ends their live sign-in and event stream at once, and enabling lets them back', async () => {
    const kim = await createUser('kim', { mustChangePassword: false });
    const session = await signIn('kim', 'kim-first-password');
    const events = await openEvents(session);

    const disabled = await server.admin.request('PATCH', `/api/v1/users/${kim.id}`, {
      disabled: true,
    });
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal(disabled.json(UserResponse).user.disabled, true);
    await events.closed;
    const next = await session.request('GET', '/api/v1/devices');
    assert.equal(next.status, 401, next.text);
    const again = await server
      .client()
      .request('POST', '/api/v1/auth/login', { username: 'kim', password: 'kim-first-password' });
    assert.equal(again.status, 401);
    assert.match(again.text, /disabled/);

    await server.admin.request('PATCH', `/api/v1/users/${kim.id}`, { disabled: false });
    await signIn('kim', 'kim-first-password');
    const audit = await auditText();
    assert.match(audit, /"user\.disabled"/);
    assert.match(audit, /"user\.enabled"/);
  });

  test('a password reset signs the user out and can force a new password', async () => {
    const lee = await createUser('lee', { mustChangePassword: false });
    const session = await signIn('lee', 'lee-first-password');
    const reset = await server.admin.request('POST', `/api/v1/users/${lee.id}/password`, {
      password: 'reset by the admin 1',
      mustChangePassword: true,
    });
    assert.equal(reset.status, 204, reset.text);
    assert.equal((await session.request('GET', '/api/v1/auth/me')).status, 401);
    const login = await server
      .client()
      .request('POST', '/api/v1/auth/login', { username: 'lee', password: 'reset by the admin 1' });
    assert.equal(login.json(LoginResponse).user.mustChangePassword, true);
    assert.doesNotMatch(await auditText(), /reset by the admin/);
  });

  test('a deleted user is signed out and gone, and their audit trail stays', async () => {
    const sam = await createUser('sam', { mustChangePassword: false });
    const session = await signIn('sam', 'sam-first-password');
    const deleted = await server.admin.request('DELETE', `/api/v1/users/${sam.id}`);
    assert.equal(deleted.status, 204, deleted.text);
    assert.equal((await session.request('GET', '/api/v1/auth/me')).status, 401);
    assert.ok(!(await usernames()).includes('sam'));
    const page = (await server.admin.request('GET', '/api/v1/audit?limit=200')).json(AuditPage);
    assert.ok(page.entries.some((entry) => entry.action === 'auth.login' && entry.actor === 'sam'));
    assert.ok(
      page.entries.some((entry) => entry.action === 'user.deleted' && entry.target === 'sam'),
    );
    assert.equal((await server.admin.request('DELETE', `/api/v1/users/${sam.id}`)).status, 404);
    await createUser('sam');
  });

  test('the last enabled administrator cannot be demoted, disabled or deleted; nothing changes', async () => {
    const admin = (await server.admin.request('GET', '/api/v1/auth/me')).json(LoginResponse).user;
    for (const [method, body] of [
      ['PATCH', { role: 'technician' }],
      ['PATCH', { disabled: true }],
      ['DELETE', undefined],
    ] as const) {
      const response = await server.admin.request(method, `/api/v1/users/${admin.id}`, body);
      assert.equal(response.status, 409, `${method} ${JSON.stringify(body)}: ${response.text}`);
      assert.match(response.text, /last enabled administrator/);
    }
    const me = await server.admin.request('GET', '/api/v1/auth/me');
    assert.equal(me.status, 200, 'still signed in');
    assert.deepEqual(me.json(LoginResponse).user, admin);

    const ops = await createUser('ops', { role: 'administrator', mustChangePassword: false });
    const demoted = await server.admin.request('PATCH', `/api/v1/users/${ops.id}`, {
      role: 'technician',
    });
    assert.equal(demoted.json(UserResponse).user.role, 'technician', 'not the last one');
  });

  test('a duplicate username or a weak password is refused and nothing changes', async () => {
    await createUser('dana');
    const before = await usernames();
    const duplicate = await server.admin.request('POST', '/api/v1/users', {
      username: 'DANA',
      role: 'administrator',
      password: 'another-long-password',
    });
    assert.equal(duplicate.status, 409, duplicate.text);
    assert.match(duplicate.text, /already taken/);
    const weak = await server.admin.request('POST', '/api/v1/users', {
      username: 'eve',
      role: 'technician',
      password: 'short',
    });
    assert.equal(weak.status, 422, weak.text);
    const spaced = await server.admin.request('POST', '/api/v1/users', {
      username: 'eve smith',
      role: 'technician',
      password: 'long-enough-password',
    });
    assert.equal(spaced.status, 422, spaced.text);
    assert.deepEqual(await usernames(), before);
    const dana = (await server.admin.request('GET', '/api/v1/users'))
      .json(UserList)
      .users.find((user) => user.username === 'dana');
    assert.equal(dana?.role, 'technician', 'the existing user is untouched');
  });
});
