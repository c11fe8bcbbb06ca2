import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignInList, SignOutEverywhereResponse, UserResponse } from '@tether/protocol';
import { openDeviceEvents } from '../support/device-events.js';
import type { HttpsClient } from '../support/https-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

const PASSWORD = 'kim-keeps-this-password';

async function signIn(username: string, localAddress?: string): Promise<HttpsClient> {
  const client = server.client(localAddress);
  const login = await client.request('POST', '/api/v1/auth/login', {
    username,
    password: PASSWORD,
  });
  assert.equal(login.status, 200, login.text);
  return client;
}

async function signIns(client: HttpsClient, path = '/api/v1/account/sessions') {
  const response = await client.request('GET', path);
  assert.equal(response.status, 200, response.text);
  return response.json(SignInList).sessions;
}

async function createUser(username: string) {
  const response = await server.admin.request('POST', '/api/v1/users', {
    username,
    role: 'technician',
    password: PASSWORD,
    mustChangePassword: false,
  });
  assert.equal(response.status, 201, response.text);
  return response.json(UserResponse).user;
}

describe('a user sees where they are signed in and signs out elsewhere', () => {
  test('two sign-ins are listed; signing out everywhere else ends the other one, its cookie and its event stream', async () => {
    await createUser('kim');
    const laptop = await signIn('kim', '127.0.0.1');
    const phone = await signIn('kim', '127.0.0.2');
    const listed = await signIns(laptop);
    assert.equal(listed.length, 2);
    const here = listed.find((signIn) => signIn.isCurrent);
    const other = listed.find((signIn) => !signIn.isCurrent);
    assert.equal(here?.sourceAddress, '127.0.0.1');
    assert.equal(other?.sourceAddress, '127.0.0.2');
    const raw = (await laptop.request('GET', '/api/v1/account/sessions')).text;
    for (const cookie of [laptop.cookie, phone.cookie]) {
      const token = cookie?.split('=')[1] ?? '';
      assert.ok(token.length > 20 && !raw.includes(token), 'no token in the list');
    }

    const phoneEvents = await openDeviceEvents(server, phone.cookie);
    const signOut = await laptop.request('POST', '/api/v1/account/sessions/sign-out-everywhere');
    assert.equal(signOut.status, 200, signOut.text);
    assert.equal(signOut.json(SignOutEverywhereResponse).ended, 1);
    await phoneEvents.closed;
    assert.equal((await phone.request('GET', '/api/v1/auth/me')).status, 401);
    assert.equal((await laptop.request('GET', '/api/v1/auth/me')).status, 200, 'this one stays');
    assert.deepEqual(
      (await signIns(laptop)).map((signIn) => signIn.id),
      [here.id],
    );
  });

  test('signing out one sign-in by its ID ends only that one; an unknown ID is not found', async () => {
    await createUser('lee');
    const first = await signIn('lee');
    const second = await signIn('lee');
    const secondId = (await signIns(second)).find((signIn) => signIn.isCurrent)?.id ?? '';
    const ended = await first.request('DELETE', `/api/v1/account/sessions/${secondId}`);
    assert.equal(ended.status, 204, ended.text);
    assert.equal((await second.request('GET', '/api/v1/auth/me')).status, 401);
    assert.equal((await first.request('GET', '/api/v1/auth/me')).status, 200);
    const again = await first.request('DELETE', `/api/v1/account/sessions/${secondId}`);
    assert.equal(again.status, 404, 'already ended');
  });

  test("a user cannot end another user's sign-in; an administrator lists and ends them", async () => {
    const max = await createUser('max');
    const maxClient = await signIn('max');
    const eve = await createUser('eve');
    const eveClient = await signIn('eve');
    const maxId = (await signIns(maxClient))[0]?.id ?? '';
    const refused = await eveClient.request('DELETE', `/api/v1/account/sessions/${maxId}`);
    assert.equal(refused.status, 404, "another user's sign-in is not found");
    const forbidden = await eveClient.request('GET', `/api/v1/users/${max.id}/sessions`);
    assert.equal(forbidden.status, 403);

    const seen = await signIns(server.admin, `/api/v1/users/${max.id}/sessions`);
    assert.deepEqual(
      seen.map((signIn) => [signIn.id, signIn.isCurrent]),
      [[maxId, false]],
    );
    const all = await server.admin.request(
      'POST',
      `/api/v1/users/${max.id}/sessions/sign-out-everywhere`,
    );
    assert.equal(all.json(SignOutEverywhereResponse).ended, 1);
    assert.equal((await maxClient.request('GET', '/api/v1/auth/me')).status, 401);
    assert.equal((await eveClient.request('GET', '/api/v1/auth/me')).status, 200);
    assert.equal((await server.admin.request('GET', '/api/v1/auth/me')).status, 200);
    assert.equal(eve.username, 'eve');
    const audit = (await server.admin.request('GET', '/api/v1/audit?limit=20')).text;
    assert.match(audit, /"action":"auth\.logout","actor":"admin","target":"max"/);
  });
});
