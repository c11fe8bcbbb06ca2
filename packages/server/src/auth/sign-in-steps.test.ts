import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AppError, TestClock } from '@tether/protocol';
import { createAuditLog } from '../audit/audit-log.js';
import { createLogger } from '../logging.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { createAuthService, type AuthService, type SignInOutcome } from './auth-service.js';
import type { DirectoryVerdict, PasswordDirectory, SecondFactors } from './sign-in-methods.js';

// The sign-in pipeline with stand-ins for a directory and a second factor: the real LDAP,
// RADIUS and TOTP providers are tested against real servers in their own suites.

const SOURCE = '192.0.2.10';
const mapping = {
  rules: [{ group: 'CN=Helpdesk,OU=Groups', role: 'technician' as const, teams: ['Helpdesk'] }],
};

/** A directory with one user, `carol` / `right`, in the Helpdesk group; `dave` must answer a challenge. */
const directory: PasswordDirectory = {
  source: 'radius',
  name: 'test directory',
  check: ({ username, password }): Promise<DirectoryVerdict> => {
    const accepted: DirectoryVerdict = {
      result: 'accepted',
      identity: {
        source: 'radius',
        username,
        displayName: 'From the directory',
        groups: ['cn=helpdesk,ou=groups'],
      },
      mapping,
    };
    if (username === 'carol')
      return Promise.resolve(
        password === 'right' ? accepted : { result: 'rejected', reason: 'wrong password' },
      );
    if (username === 'dave' && password === 'right')
      return Promise.resolve({
        result: 'challenge',
        message: 'Enter the code sent to your phone.',
        answer: (code) =>
          Promise.resolve(
            code === '123456' ? accepted : { result: 'rejected', reason: 'wrong password' },
          ),
      });
    return Promise.resolve({ result: 'unknown' });
  },
};

let dir: string;
let store: Store;
let auth: AuthService;
const synced: { userId: string; teams: readonly string[] }[] = [];

const clock = new TestClock(Date.parse('2026-01-01T00:00:00Z'));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tether-sign-in-'));
  store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
  const log = createLogger({ level: 'silent' });
  const secondFactors: SecondFactors = {
    stepFor: (user) =>
      Promise.resolve(
        user.username === 'erin'
          ? {
              step: {
                kind: 'second-factor',
                message: 'Enter the code from your authenticator app.',
                methods: ['totp'],
              },
              next: ({ code }) => {
                if (code !== '654321') throw new AppError('AUTH_FAILED', 'Wrong code.');
                return Promise.resolve({ done: user });
              },
            }
          : undefined,
      ),
  };
  auth = createAuthService({
    store,
    clock,
    log,
    audit: createAuditLog({ store, clock, log }),
    directories: () => [directory],
    secondFactors,
    syncTeams: (userId, teams) => {
      synced.push({ userId, teams });
      return Promise.resolve();
    },
  });
  await auth.createUser({ username: 'erin', password: 'erin-password', role: 'technician' });
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function stepOf(outcome: SignInOutcome) {
  assert.ok('step' in outcome, 'a further step is asked');
  return outcome.step;
}

async function refusedWith(promise: Promise<unknown>, code: string, message?: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('sign-in through a directory', () => {
  test('a first sign-in creates the user with the mapped role and teams; a wrong password is refused', async () => {
    await refusedWith(
      auth.login({ username: 'carol', password: 'wrong', sourceAddress: SOURCE }),
      'AUTH_FAILED',
    );
    assert.equal(await store.users.findByUsername('carol'), undefined);

    const outcome = await auth.login({
      username: 'carol',
      password: 'right',
      sourceAddress: SOURCE,
    });
    assert.ok('token' in outcome);
    assert.equal(outcome.user.source, 'radius');
    assert.equal(outcome.user.role, 'technician');
    assert.equal(outcome.user.displayName, 'From the directory');
    assert.deepEqual(synced.at(-1), { userId: outcome.user.id, teams: ['Helpdesk'] });
    assert.ok(await auth.authenticate(outcome.token));
  });

  test('a directory cannot sign in as a local user of the same name', async () => {
    await auth.createUser({
      username: 'carol2',
      password: 'local-password',
      role: 'administrator',
    });
    const takeover: PasswordDirectory = {
      ...directory,
      check: () => directory.check({ username: 'carol', password: 'right' }),
    };
    // Another node on the same store: it shares the throttle's counters, and so the clock.
    const other = createAuthService({
      store,
      clock,
      log: createLogger({ level: 'silent' }),
      audit: createAuditLog({ store, clock, log: createLogger({ level: 'silent' }) }),
      directories: () => [takeover],
    });
    // A local user is checked against their Tether password only.
    await refusedWith(
      other.login({ username: 'carol2', password: 'right', sourceAddress: SOURCE }),
      'AUTH_FAILED',
    );
  });

  test('a challenge is answered with its ticket, from the same address only', async () => {
    const step = stepOf(
      await auth.login({ username: 'dave', password: 'right', sourceAddress: SOURCE }),
    );
    assert.equal(step.kind, 'challenge');
    assert.equal(step.message, 'Enter the code sent to your phone.');
    assert.deepEqual(step.methods, ['code']);

    await refusedWith(
      auth.continueLogin({
        ticket: step.ticket,
        method: 'code',
        code: '123456',
        sourceAddress: '198.51.100.1',
      }),
      'AUTH_FAILED',
      /expired/,
    );
    await refusedWith(
      auth.continueLogin({
        ticket: step.ticket,
        method: 'code',
        code: '000000',
        sourceAddress: SOURCE,
      }),
      'AUTH_FAILED',
    );
    const done = await auth.continueLogin({
      ticket: step.ticket,
      method: 'code',
      code: '123456',
      sourceAddress: SOURCE,
    });
    assert.ok('token' in done);
    assert.equal(done.user.username, 'dave');
    await refusedWith(
      auth.continueLogin({
        ticket: step.ticket,
        method: 'code',
        code: '123456',
        sourceAddress: SOURCE,
      }),
      'AUTH_FAILED',
      /expired/,
    );
  });
});

describe('second factor', () => {
  test('a local user with a second factor gets no session before the code', async () => {
    const step = stepOf(
      await auth.login({ username: 'erin', password: 'erin-password', sourceAddress: SOURCE }),
    );
    assert.equal(step.kind, 'second-factor');
    await refusedWith(
      auth.continueLogin({
        ticket: step.ticket,
        method: 'totp',
        code: '111111',
        sourceAddress: SOURCE,
      }),
      'AUTH_FAILED',
    );
    const done = await auth.continueLogin({
      ticket: step.ticket,
      method: 'totp',
      code: '654321',
      sourceAddress: SOURCE,
    });
    assert.ok('token' in done);
  });

  test('wrong codes are throttled like wrong passwords', async () => {
    const step = stepOf(
      await auth.login({ username: 'erin', password: 'erin-password', sourceAddress: SOURCE }),
    );
    let limited: AppError | undefined;
    for (let attempt = 0; attempt < 50 && !limited; attempt += 1) {
      try {
        await auth.continueLogin({
          ticket: step.ticket,
          method: 'totp',
          code: '000000',
          sourceAddress: SOURCE,
        });
      } catch (error) {
        assert.ok(error instanceof AppError);
        if (error.code === 'RATE_LIMITED') limited = error;
      }
    }
    assert.ok(limited, 'wrong codes end in RATE_LIMITED');
  });
});
