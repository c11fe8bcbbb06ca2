import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AuditPage,
  EnrolledFactor,
  ErrorBody,
  LoginResponse,
  RecoveryCodes,
  SecondFactorStatus,
  SignInResponse,
  TotpEnrolment,
  UserResponse,
} from '@tether/protocol';
import { generate } from 'otplib';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { HttpsClient } from '../support/https-client.js';
import { adminClient } from '../support/admin-client.js';

// The second-factor API end to end on a real server: a role that requires a factor, TOTP
// enrolment and sign-in, recovery codes, the administrator's reset. Time is the server's
// OffsetClock, moved a step forward where a fresh code is needed.

let server: TestServer;
const PASSWORD = 'jo-first-password';

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

const codeOf = (response: { text: string }) => ErrorBody.parse(JSON.parse(response.text)).code;

/** The code an authenticator app shows now, by the server's clock. */
function codeNow(secret: string): Promise<string> {
  return generate({ secret, epoch: Math.floor(server.clock.now().getTime() / 1000) });
}

async function signIn(username: string) {
  const client = server.client();
  const login = await client.request('POST', '/api/v1/auth/login', {
    username,
    password: PASSWORD,
  });
  assert.equal(login.status, 200, login.text);
  return { client, reply: login.json(SignInResponse) };
}

async function continueWith(client: HttpsClient, ticket: string, method: string, code: string) {
  return client.request('POST', '/api/v1/auth/login/continue', { ticket, method, code });
}

describe('second factors through the API', () => {
  test('a technician whose role requires a factor enrols an app, then signs in with it; an administrator resets it', async () => {
    const created = await server.admin.request('POST', '/api/v1/users', {
      username: 'jo',
      role: 'technician',
      password: PASSWORD,
      mustChangePassword: false,
    });
    assert.equal(created.status, 201, created.text);
    const jo = created.json(UserResponse).user;
    const setting = await adminClient(server).request('PUT', '/conf/api/second-factor', {
      requiredRoles: ['technician'],
    });
    assert.equal(setting.status, 200, setting.text);

    // After the password, only enrolment is open.
    const first = await signIn('jo');
    assert.ok('user' in first.reply);
    assert.equal(first.reply.user.mustEnrolSecondFactor, true);
    const blocked = await first.client.request('GET', '/api/v1/devices');
    assert.equal(blocked.status, 403);
    assert.equal(codeOf(blocked), 'SECOND_FACTOR_REQUIRED');
    const me = await first.client.request('GET', '/api/v1/auth/me');
    assert.equal(me.json(LoginResponse).user.mustEnrolSecondFactor, true);
    const status = await first.client.request('GET', '/api/v1/account/second-factors');
    assert.equal(status.json(SecondFactorStatus).required, true);

    const started = await first.client.request('POST', '/api/v1/account/second-factors/totp');
    assert.equal(started.status, 201, started.text);
    assert.match(String(started.headers['cache-control']), /no-store/);
    const { secret, uri } = started.json(TotpEnrolment);
    assert.match(uri, /^otpauth:\/\/totp\/.*jo\?.*secret=/);
    const wrong = await first.client.request(
      'POST',
      '/api/v1/account/second-factors/totp/confirm',
      {
        code: '000000',
      },
    );
    assert.equal(wrong.status, 422, wrong.text);
    const confirmed = await first.client.request(
      'POST',
      '/api/v1/account/second-factors/totp/confirm',
      { code: await codeNow(secret) },
    );
    assert.equal(confirmed.status, 200, confirmed.text);
    const recoveryCodes = confirmed.json(EnrolledFactor).recoveryCodes ?? [];
    assert.equal(recoveryCodes.length, 10);
    assert.equal((await first.client.request('GET', '/api/v1/devices')).status, 200);
    const after = (await first.client.request('GET', '/api/v1/account/second-factors')).text;
    assert.ok(!after.includes(secret), 'the secret is never returned again');

    // The next sign-in asks for the code.
    server.clock.advance(30_000);
    const second = await signIn('jo');
    assert.ok('step' in second.reply);
    const { step } = second.reply;
    assert.deepEqual(step.methods, ['totp', 'recovery-code']);
    assert.equal((await second.client.request('GET', '/api/v1/auth/me')).status, 401);
    const refused = await continueWith(second.client, step.ticket, 'totp', '123456');
    assert.equal(refused.status, 401);
    assert.equal(codeOf(refused), 'AUTH_FAILED');
    const accepted = await continueWith(second.client, step.ticket, 'totp', await codeNow(secret));
    assert.equal(accepted.status, 200, accepted.text);
    assert.ok(second.client.cookie, 'signed in: the session cookie is set');
    assert.equal((await second.client.request('GET', '/api/v1/devices')).status, 200);

    // A recovery code, once; new ones need proof.
    const third = await signIn('jo');
    assert.ok('step' in third.reply);
    const recovered = await continueWith(
      third.client,
      third.reply.step.ticket,
      'recovery-code',
      recoveryCodes[0] ?? '',
    );
    assert.equal(recovered.status, 200, recovered.text);
    const noProof = await third.client.request(
      'POST',
      '/api/v1/account/second-factors/recovery-codes',
      { password: 'wrong password!' },
    );
    assert.equal(noProof.status, 422, noProof.text);
    const renewed = await third.client.request(
      'POST',
      '/api/v1/account/second-factors/recovery-codes',
      { password: PASSWORD },
    );
    assert.equal(renewed.status, 200, renewed.text);
    assert.equal(renewed.json(RecoveryCodes).codes.length, 10);

    // Passkeys belong to the public URL's host (localhost), not to an address the console
    // may also be reached at.
    const { port } = new URL(server.url);
    const options = await third.client.request(
      'POST',
      '/api/v1/account/second-factors/passkeys/options',
      undefined,
      { host: `127.0.0.1:${port}`, origin: `https://127.0.0.1:${port}` },
    );
    assert.equal(options.status, 409, options.text);
    assert.match(options.text, /https:\/\/localhost:/);

    // The administrator resets: jo is signed out and must enrol again.
    const reset = await server.admin.request('POST', `/api/v1/users/${jo.id}/second-factors/reset`);
    assert.equal(reset.status, 204, reset.text);
    assert.equal((await third.client.request('GET', '/api/v1/auth/me')).status, 401);
    const fourth = await signIn('jo');
    assert.ok('user' in fourth.reply && fourth.reply.user.mustEnrolSecondFactor);

    const audit = (await server.admin.request('GET', '/api/v1/audit?limit=100')).json(
      AuditPage,
    ).entries;
    const actions = audit.map((entry) => `${entry.action} ${entry.actor} ${entry.target ?? ''}`);
    for (const expected of [
      'second_factor.enrolled jo',
      'second_factor.recovery_codes_generated jo',
      'second_factor.reset admin jo',
      'auth.login_failed jo',
    ])
      assert.ok(
        actions.some((line) => line.startsWith(expected)),
        `${expected} in ${actions.join('\n')}`,
      );
    await adminClient(server).request('PUT', '/conf/api/second-factor', { requiredRoles: [] });
  });

  test('a technician cannot change which roles require a factor, nor reset one', async () => {
    const created = await server.admin.request('POST', '/api/v1/users', {
      username: 'kim',
      role: 'technician',
      password: PASSWORD,
      mustChangePassword: false,
    });
    const kim = created.json(UserResponse).user;
    const { client } = await signIn('kim');
    const put = await adminClient(server, client).request('PUT', '/conf/api/second-factor', {
      requiredRoles: [],
    });
    assert.equal(put.status, 403);
    const reset = await client.request('POST', `/api/v1/users/${kim.id}/second-factors/reset`);
    assert.equal(reset.status, 403);
    const bad = await adminClient(server).request('PUT', '/conf/api/second-factor', {
      requiredRoles: ['wizard'],
    });
    assert.equal(bad.status, 422, bad.text);
  });
});

test('an administrator who must still enrol reaches neither the API nor the admin interface', async () => {
  const created = await server.admin.request('POST', '/api/v1/users', {
    username: 'ada',
    role: 'administrator',
    password: PASSWORD,
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  await server.server.context.secondFactors.setSettings(
    { requiredRoles: ['administrator'] },
    { username: 'test' },
  );
  try {
    const { client } = await signIn('ada');
    const users = await client.request('GET', '/api/v1/users');
    assert.equal(codeOf(users), 'SECOND_FACTOR_REQUIRED');
    const admin = new HttpsClient(server.adminUrl, server.ca);
    admin.cookie = client.cookie;
    const networks = await admin.request('GET', '/conf/api/trusted-networks');
    assert.equal(networks.status, 403, networks.text);
    assert.equal(codeOf(networks), 'SECOND_FACTOR_REQUIRED');
  } finally {
    await server.server.context.secondFactors.setSettings(
      { requiredRoles: [] },
      { username: 'test' },
    );
  }
});
