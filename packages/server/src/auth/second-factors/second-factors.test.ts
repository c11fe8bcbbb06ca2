import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AppError, TestClock, type SignInStep } from '@tether/protocol';
import { createAuditLog } from '../../audit/audit-log.js';
import { createLogger } from '../../logging.js';
import { openStore } from '../../store/index.js';
import type { Store, UserRecord } from '../../store/store.js';
import { createAuthService, type AuthService, type SignInOutcome } from '../auth-service.js';
import { RequiredRoles } from './required-roles.js';
import { createSecondFactorService, type SecondFactorService } from './second-factor-service.js';
import { createSecondFactorGate, type SecondFactorGate } from './second-factor-sign-in.js';
import { totpCodeAt } from './totp.js';
import { secretBox } from '../../keys/secret-box.js';

// TOTP and recovery codes through the real sign-in pipeline, store and otplib, with a fake
// clock: every code is computed for an exact instant. Passkeys are tested in a real browser
// (test/e2e/second-factors-console.e2e.test.ts).

const PASSWORD = 'jo-password-123';
const T0 = Date.parse('2026-03-02T10:00:00Z');

let dir: string;
let store: Store;
let clock: TestClock;
let auth: AuthService;
let gate: SecondFactorGate;
let factors: SecondFactorService;
let source = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tether-2fa-'));
  store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
  clock = new TestClock(T0);
  const log = createLogger({ level: 'silent' });
  const audit = createAuditLog({ store, clock, log });
  const deps = {
    store,
    clock,
    audit,
    requiredRoles: new RequiredRoles(store.settings, clock),
    publicUrl: () => 'https://tether.example.com',
    secrets: secretBox(randomBytes(32)),
  };
  gate = createSecondFactorGate(deps);
  auth = createAuthService({ store, clock, audit, log, secondFactors: gate });
  factors = createSecondFactorService({ ...deps, logins: auth });
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Each test signs in from its own address: the throttle of one does not slow another. */
let address = '';
beforeEach(() => {
  source += 1;
  address = `192.0.2.${source}`;
});

async function newUser(username: string): Promise<UserRecord> {
  return auth.createUser({ username, password: PASSWORD, role: 'technician' });
}

/** Enrols an authenticator app for `user`; returns its secret and recovery codes. */
async function enrolTotp(user: UserRecord) {
  const { secret, uri } = await factors.startTotp(user);
  assert.match(uri, /^otpauth:\/\/totp\//);
  assert.ok(uri.includes(`secret=${secret}`));
  const { recoveryCodes } = await factors.confirmTotp(
    { user, sourceAddress: address },
    await totpCodeAt(secret, clock.now()),
  );
  return { secret, recoveryCodes: recoveryCodes ?? [] };
}

async function passwordStep(username: string): Promise<SignInStep> {
  const outcome = await auth.login({ username, password: PASSWORD, sourceAddress: address });
  assert.ok('step' in outcome, 'the password alone does not sign in');
  return outcome.step;
}

function answer(step: SignInStep, method: 'totp' | 'recovery-code', code: string) {
  return auth.continueLogin({ ticket: step.ticket, method, code, sourceAddress: address });
}

function signedIn(outcome: SignInOutcome, username: string) {
  assert.ok('user' in outcome, 'signed in');
  assert.equal(outcome.user.username, username);
}

async function refusedWith(promise: Promise<unknown>, code: string, message?: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** Moves the fake clock to the start of the next 30 s step, plus `into` seconds. */
function nextStep(into = 1) {
  const now = clock.now().getTime();
  clock.advance(Math.ceil((now + 1) / 30_000) * 30_000 + into * 1000 - now);
}

describe('TOTP second factor', () => {
  test('enrolment is active only once a code confirms it, and gives 10 recovery codes once', async () => {
    const jo = await newUser('jo');
    const { secret } = await factors.startTotp(jo);
    const stored = (await store.secondFactors.findTotp(jo.id))?.secret ?? '';
    assert.doesNotMatch(stored, new RegExp(secret), 'the database holds the secret sealed');
    assert.equal((await factors.status(jo)).totp, false);
    assert.equal(await gate.stepFor(jo), undefined, 'an unconfirmed secret asks nothing');
    await refusedWith(
      factors.confirmTotp({ user: jo, sourceAddress: address }, '000000'),
      'INVALID_INPUT',
    );
    const { recoveryCodes } = await factors.confirmTotp(
      { user: jo, sourceAddress: address },
      await totpCodeAt(secret, clock.now()),
    );
    assert.equal(recoveryCodes?.length, 10);
    assert.equal(new Set(recoveryCodes).size, 10);
    const status = await factors.status(jo);
    assert.deepEqual(
      { totp: status.totp, left: status.recoveryCodesLeft },
      { totp: true, left: 10 },
    );
    assert.ok(!JSON.stringify(status).includes(secret), 'the secret is never shown again');
    await refusedWith(factors.startTotp(jo), 'CONFLICT');
    const [enrolled] = await store.audit.list({ limit: 1, action: 'second_factor.enrolled' });
    assert.equal(enrolled?.actor, 'jo');
  });

  test('the right code signs in; a wrong one is refused and audited, and the step stays open', async () => {
    const kim = await newUser('kim');
    nextStep();
    const { secret } = await enrolTotp(kim);
    nextStep();
    const step = await passwordStep('kim');
    assert.deepEqual(step.methods, ['totp', 'recovery-code']);
    assert.equal(step.kind, 'second-factor');
    await refusedWith(answer(step, 'totp', '123456'), 'AUTH_FAILED', /Wrong code/);
    const [failed] = await store.audit.list({ limit: 1, action: 'auth.login_failed' });
    assert.deepEqual(
      { actor: failed?.actor, reason: failed?.details.reason },
      { actor: 'kim', reason: 'wrong code' },
    );
    signedIn(await answer(step, 'totp', await totpCodeAt(secret, clock.now())), 'kim');
  });

  test('a code used once is refused again within its window, even on a new sign-in', async () => {
    const lee = await newUser('lee');
    nextStep();
    const { secret } = await enrolTotp(lee);
    nextStep();
    const code = await totpCodeAt(secret, clock.now());
    signedIn(await answer(await passwordStep('lee'), 'totp', code), 'lee');
    clock.advance(10_000);
    await refusedWith(
      answer(await passwordStep('lee'), 'totp', code),
      'AUTH_FAILED',
      /used already/,
    );
  });

  test('codes of the step before and after are accepted, two steps away are not', async () => {
    const max = await newUser('max');
    nextStep();
    const { secret } = await enrolTotp(max);
    clock.advance(5 * 60_000);
    nextStep(10);
    const now = clock.now().getTime();
    const at = (seconds: number) => totpCodeAt(secret, new Date(now + seconds * 1000));
    await refusedWith(answer(await passwordStep('max'), 'totp', await at(-60)), 'AUTH_FAILED');
    await refusedWith(answer(await passwordStep('max'), 'totp', await at(60)), 'AUTH_FAILED');
    signedIn(await answer(await passwordStep('max'), 'totp', await at(-30)), 'max');
    signedIn(await answer(await passwordStep('max'), 'totp', await at(30)), 'max');
  });

  test('a recovery code signs in once', async () => {
    const ned = await newUser('ned');
    nextStep();
    const { recoveryCodes } = await enrolTotp(ned);
    const [code] = recoveryCodes;
    assert.ok(code);
    signedIn(await answer(await passwordStep('ned'), 'recovery-code', code.toLowerCase()), 'ned');
    await refusedWith(
      answer(await passwordStep('ned'), 'recovery-code', code),
      'AUTH_FAILED',
      /already used/,
    );
    assert.equal((await factors.status(ned)).recoveryCodesLeft, 9);
    const [used] = await store.audit.list({ limit: 1, action: 'second_factor.recovery_code_used' });
    assert.deepEqual({ actor: used?.actor, left: used?.details.left }, { actor: 'ned', left: 9 });
  });

  test('wrong codes count in the sign-in throttle: the right one is then refused too', async () => {
    const oz = await newUser('oz');
    nextStep();
    const { secret } = await enrolTotp(oz);
    nextStep();
    const step = await passwordStep('oz');
    let limited: AppError | undefined;
    for (let attempt = 0; attempt < 8 && !limited; attempt += 1) {
      try {
        await answer(step, 'totp', '000000');
      } catch (error) {
        assert.ok(error instanceof AppError);
        if (error.code === 'RATE_LIMITED') limited = error;
        else assert.equal(error.code, 'AUTH_FAILED');
      }
    }
    assert.ok(limited, 'wrong second factors are throttled like wrong passwords');
    await refusedWith(answer(step, 'totp', await totpCodeAt(secret, clock.now())), 'RATE_LIMITED');
  });

  test('removing the app needs the password or a code; the last factor of a required role stays', async () => {
    const pat = await newUser('pat');
    nextStep();
    const { secret } = await enrolTotp(pat);
    const own = { user: pat, sourceAddress: address };
    await factors.setSettings({ requiredRoles: ['technician'] }, { username: 'admin' });
    await refusedWith(factors.removeTotp(own, { password: PASSWORD }), 'CONFLICT', /requires/);
    await factors.setSettings({ requiredRoles: [] }, { username: 'admin' });
    await refusedWith(factors.removeTotp(own, { password: 'not-the-password' }), 'INVALID_INPUT');
    nextStep();
    await factors.removeTotp(own, { code: await totpCodeAt(secret, clock.now()) });
    assert.deepEqual(await factors.status(pat), {
      totp: false,
      passkeys: [],
      recoveryCodesLeft: 0,
      required: false,
    });
    assert.equal(await gate.stepFor(pat), undefined);
  });

  test('a role that requires a factor makes its users without one enrol, and only them', async () => {
    const quinn = await newUser('quinn');
    const admin = await auth.createUser({
      username: 'root',
      password: PASSWORD,
      role: 'administrator',
    });
    assert.equal(await gate.mustEnrol(quinn), false);
    await factors.setSettings({ requiredRoles: ['technician'] }, { username: 'root' });
    assert.equal(await gate.mustEnrol(quinn), true);
    assert.equal(await gate.mustEnrol(admin), false);
    const outcome = await auth.login({
      username: 'quinn',
      password: PASSWORD,
      sourceAddress: address,
    });
    assert.ok('user' in outcome && outcome.mustEnrolSecondFactor);
    nextStep();
    await enrolTotp(quinn);
    assert.equal(await gate.mustEnrol(quinn), false);
    await factors.reset(quinn.id, { username: 'root' });
    assert.equal(await gate.mustEnrol(quinn), true, 'after a reset they enrol again');
    const [reset] = await store.audit.list({ limit: 1, action: 'second_factor.reset' });
    assert.deepEqual(
      { actor: reset?.actor, target: reset?.target },
      { actor: 'root', target: 'quinn' },
    );
    await factors.setSettings({ requiredRoles: [] }, { username: 'root' });
  });
});
