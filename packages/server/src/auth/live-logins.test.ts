import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { createLogger } from '../logging.js';
import type { AuthSessionRecord, AuthSessionRepository } from '../store/store.js';
import { LiveLogins } from './live-logins.js';

/** The logins the store still holds; the rest of the repository is not used here. */
function storeOf(valid: Set<string>): AuthSessionRepository {
  const unused = (): never => assert.fail('not used by LiveLogins');
  return {
    findValid: (tokenHash: string) =>
      Promise.resolve(
        valid.has(tokenHash) ? ({ tokenHash } as unknown as AuthSessionRecord) : undefined,
      ),
    create: unused,
    extend: unused,
    delete: unused,
    deleteForUser: unused,
    deleteExpired: unused,
    listForUser: unused,
    deleteById: unused,
  };
}

const clock = new TestClock(new Date('2026-01-01T00:00:00Z'));
const log = createLogger({ level: 'silent' });

test('signing out closes every connection held under that login, and only those', () => {
  const logins = new LiveLogins({ authSessions: storeOf(new Set()), clock, log });
  const closed: string[] = [];
  logins.hold({ tokenHash: 'login-1', userId: 'u-login-1' }, () => closed.push('events'));
  logins.hold({ tokenHash: 'login-1', userId: 'u-login-1' }, () => closed.push('relay'));
  logins.hold({ tokenHash: 'login-2', userId: 'u-login-2' }, () => closed.push('other browser'));
  logins.end('login-1');
  assert.deepEqual(closed, ['events', 'relay']);
  logins.end('login-1');
  assert.deepEqual(closed, ['events', 'relay'], 'each closes once');
  logins.end('login-2');
});

test('a login gone from the store (password reset by the CLI) closes its connections at the next check', async () => {
  const valid = new Set(['kept', 'reset']);
  const logins = new LiveLogins({ authSessions: storeOf(valid), clock, log });
  const closed: string[] = [];
  logins.hold({ tokenHash: 'kept', userId: 'u-kept' }, () => closed.push('kept'));
  const release = logins.hold({ tokenHash: 'reset', userId: 'u-reset' }, () =>
    closed.push('reset'),
  );
  await logins.check();
  assert.deepEqual(closed, []);
  valid.delete('reset');
  await logins.check();
  assert.deepEqual(closed, ['reset']);
  release();
  logins.end('kept');
});

test('a connection that closed by itself is not closed again', async () => {
  const logins = new LiveLogins({ authSessions: storeOf(new Set()), clock, log });
  let closes = 0;
  const release = logins.hold({ tokenHash: 'login', userId: 'u-login' }, () => closes++);
  release();
  await logins.check();
  logins.end('login');
  assert.equal(closes, 0);
});

test("ending a user closes the connections of all their logins but the kept one, and no one else's", () => {
  const logins = new LiveLogins({ authSessions: storeOf(new Set()), clock, log });
  const closed: string[] = [];
  logins.hold({ tokenHash: 'jo-laptop', userId: 'jo' }, () => closed.push('jo-laptop'));
  logins.hold({ tokenHash: 'jo-phone', userId: 'jo' }, () => closed.push('jo-phone'));
  logins.hold({ tokenHash: 'jo-here', userId: 'jo' }, () => closed.push('jo-here'));
  logins.hold({ tokenHash: 'kim', userId: 'kim' }, () => closed.push('kim'));
  logins.endUser('jo', 'jo-here');
  assert.deepEqual(closed.sort(), ['jo-laptop', 'jo-phone']);
  logins.endUser('jo');
  assert.deepEqual(closed.sort(), ['jo-here', 'jo-laptop', 'jo-phone']);
  logins.end('kim');
});
