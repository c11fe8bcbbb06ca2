import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  DirectoriesResponse,
  DirectoryTestResult,
  SignInResponse,
  type DirectoryInput,
} from '@tether/protocol';
import { runCli } from '../support/cli.js';
import { startFreeRadius, type FreeRadiusInstance } from '../support/freeradius.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { adminClient } from '../support/admin-client.js';

const SECRET = 'radius-shared-secret';

let radius: FreeRadiusInstance;
let server: TestServer;
/** A bound UDP port that swallows every request: a first server that never answers. */
let silent: Socket;
let silentPort: number;

function directory(overrides: Partial<Extract<DirectoryInput, { type: 'radius' }>> = {}) {
  return {
    type: 'radius',
    id: 'otp',
    name: 'One-time codes',
    enabled: true,
    timeoutSec: 5,
    retries: 2,
    servers: [{ host: radius.host, port: radius.port }],
    secret: SECRET,
    nasIdentifier: 'tether-test',
    groupAttribute: 'Class',
    mapping: {
      rules: [
        { group: 'admins', role: 'administrator', teams: [] },
        { group: 'helpdesk', role: 'technician', teams: ['Helpdesk'] },
      ],
    },
    ...overrides,
  } satisfies DirectoryInput;
}

async function setDirectories(directories: DirectoryInput[]): Promise<DirectoriesResponse> {
  const response = await adminClient(server).request('PUT', '/conf/api/directories', {
    directories,
  });
  assert.equal(response.status, 200, response.text);
  assert.ok(!response.text.includes(SECRET), 'the shared secret is never returned');
  return response.json(DirectoriesResponse);
}

function signIn(username: string, password: string) {
  return server.client().request('POST', '/api/v1/auth/login', { username, password });
}

async function runTest(username: string, password: string) {
  const response = await adminClient(server).request('POST', '/conf/api/directories/otp/test', {
    username,
    password,
  });
  assert.equal(response.status, 200, response.text);
  assert.ok(!response.text.includes(password), 'the test output never echoes the password');
  assert.ok(!response.text.includes(SECRET), 'nor the shared secret');
  return response.json(DirectoryTestResult);
}

before(async () => {
  radius = await startFreeRadius({
    secret: SECRET,
    users: [
      { username: 'rita', password: 'rita-password', classes: ['helpdesk'] },
      { username: 'sam', password: 'sam-password' },
    ],
    challenge: { username: 'olivia', code: '314159', classes: ['helpdesk'] },
  });
  silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  silentPort = silent.address().port;
  server = await createTestServer();
});
after(async () => {
  await server.close();
  await radius.stop();
  silent.close();
});

describe('RADIUS directory (real FreeRADIUS)', () => {
  test('PAP: the right password signs in with the role its Class maps to', async () => {
    const saved = await setDirectories([directory()]);
    assert.equal(saved.directories[0]?.type === 'radius' && saved.directories[0].secretSet, true);
    const response = await signIn('rita', 'rita-password');
    assert.equal(response.status, 200, response.text);
    const reply = response.json(SignInResponse);
    assert.ok('user' in reply);
    assert.equal(reply.user.source, 'radius');
    assert.equal(reply.user.role, 'technician');
  });

  test('PAP: a wrong password is rejected', async () => {
    const response = await signIn('rita', 'wrong-password');
    assert.equal(response.status, 401, response.text);
  });

  test('an accepted user whose Class maps to nothing is refused', async () => {
    const response = await signIn('sam', 'sam-password');
    assert.equal(response.status, 401, response.text);
    assert.match(response.text, /none of your groups is mapped/);
  });

  test('Access-Challenge: the server asks for a code, a wrong one is refused, the right one signs in', async () => {
    const client = server.client();
    const first = await client.request('POST', '/api/v1/auth/login', {
      username: 'olivia',
      password: 'olivia-password',
    });
    assert.equal(first.status, 200, first.text);
    const step = first.json(SignInResponse);
    assert.ok('step' in step, first.text);
    assert.equal(step.step.kind, 'challenge');
    assert.equal(step.step.message, 'Enter the code from your token');
    const answer = (code: string) =>
      client.request('POST', '/api/v1/auth/login/continue', {
        ticket: step.step.ticket,
        method: 'code',
        code,
      });
    const wrong = await answer('000000');
    assert.equal(wrong.status, 401, wrong.text);
    const right = await answer('314159');
    assert.equal(right.status, 200, right.text);
    const done = right.json(SignInResponse);
    assert.ok('user' in done);
    assert.equal(done.user.username, 'olivia');
    const me = await client.request('GET', '/api/v1/auth/me');
    assert.equal(me.status, 200, me.text);
  });

  test('failover: a first server that never answers, then the second one answers', async () => {
    await setDirectories([
      directory({
        servers: [
          { host: '127.0.0.1', port: silentPort },
          { host: radius.host, port: radius.port },
        ],
        timeoutSec: 0.5,
        retries: 2,
      }),
    ]);
    const result = await runTest('rita', 'rita-password');
    assert.equal(result.outcome, 'accepted', JSON.stringify(result.stages));
    const [first, second] = result.stages.filter((stage) => stage.stage === 'server');
    assert.ok(first && second);
    assert.equal(first.ok, false);
    assert.match(first.detail, new RegExp(`:${silentPort} did not answer 2 time`));
    assert.match(second.detail, /answered Access-Accept/);
    assert.deepEqual(result.groups, ['helpdesk']);
    const reply = result.stages.find((stage) => stage.stage === 'reply');
    assert.deepEqual(reply?.attributes?.Class, ['helpdesk']);
    assert.deepEqual(result.mapped, { role: 'technician', teams: ['Helpdesk'] });
    const response = await signIn('rita', 'rita-password');
    assert.equal(response.status, 200, response.text);
  });

  test('with another shared secret the server drops the request: nobody signs in', async () => {
    await setDirectories([
      directory({ secret: 'not-the-shared-secret', timeoutSec: 1, retries: 1 }),
    ]);
    const result = await runTest('rita', 'rita-password');
    assert.equal(result.outcome, 'error');
    assert.match(result.message ?? '', /No RADIUS server answered/);
    const response = await signIn('rita', 'rita-password');
    assert.equal(response.status, 503, response.text);
  });

  test('the test action shows the challenge and its Reply-Message', async () => {
    await setDirectories([directory()]);
    const result = await runTest('olivia', 'olivia-password');
    assert.equal(result.outcome, 'challenge');
    assert.equal(result.message, 'Enter the code from your token');
    const reply = result.stages.find((stage) => stage.stage === 'reply');
    assert.match(reply?.detail ?? '', /Access-Challenge/);
  });
});

test('directories set in the config file apply, show read-only, and cannot be replaced', async () => {
  const configured = await createTestServer({
    config: {
      directories: [{ ...directory(), name: 'From the config file' }],
    },
  });
  try {
    const list = await adminClient(configured).request('GET', '/conf/api/directories');
    const shown = list.json(DirectoriesResponse);
    assert.equal(shown.source, 'config file');
    assert.equal(shown.directories[0]?.name, 'From the config file');
    assert.ok(!list.text.includes(SECRET));
    const replace = await adminClient(configured).request('PUT', '/conf/api/directories', {
      directories: [],
    });
    assert.equal(replace.status, 409, replace.text);
    const login = await configured
      .client()
      .request('POST', '/api/v1/auth/login', { username: 'rita', password: 'rita-password' });
    assert.equal(login.status, 200, login.text);
    // --print-config shows that a secret is set, never the secret.
    const file = join(configured.dataDir, 'directories.json');
    await writeFile(file, JSON.stringify({ directories: [directory()] }));
    const printed = await runCli(['server', '--print-config', '--config', file]);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /"secret": "\(set\)"/);
    assert.ok(!printed.stdout.includes(SECRET));
  } finally {
    await configured.close();
  }
});
