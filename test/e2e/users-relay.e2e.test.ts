import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UserResponse } from '@tether/protocol';
import { openTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let deviceId: string;

before(async () => {
  server = await createTestServer();
  deviceId = (await server.startAgent()).device.id;
});
after(() => server.close());

test('disabling a technician closes their open terminal at once, not at the next check', async () => {
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'tom',
    role: 'technician',
    password: 'tom-first-password',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const tom = server.client();
  const login = await tom.request('POST', '/api/v1/auth/login', {
    username: 'tom',
    password: 'tom-first-password',
  });
  assert.equal(login.status, 200, login.text);

  const terminal = await openTerminal(tom, deviceId);
  terminal.type('echo "tom-$((6 * 7))-here"\r');
  await terminal.waitForOutput(/tom-42-here/);

  const { user } = created.json(UserResponse);
  const disabled = await server.admin.request('PATCH', `/api/v1/users/${user.id}`, {
    disabled: true,
  });
  assert.equal(disabled.status, 200, disabled.text);
  const closed = await terminal.closed;
  assert.equal(closed.code, 4401);
  assert.match(closed.reason, /login that opened this session has ended/);
  const next = await tom.request('GET', '/api/v1/devices');
  assert.equal(next.status, 401, 'and their next call is refused');
});
