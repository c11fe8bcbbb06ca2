import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol';

const START = Date.parse('2026-01-01T00:00:00Z');
import { LoginLimiter } from './login-limiter.js';

test('three failures are free, then each failure doubles the wait', () => {
  const clock = new TestClock(START);
  const limiter = new LoginLimiter(clock);
  const keys = ['user:alice', 'source:10.0.0.1'];
  for (let i = 0; i < 3; i++) limiter.recordFailure(keys);
  assert.equal(limiter.retryAfterMs(keys), 0);
  limiter.recordFailure(keys);
  assert.equal(limiter.retryAfterMs(keys), 1000);
  clock.advance(1000);
  limiter.recordFailure(keys);
  assert.equal(limiter.retryAfterMs(keys), 2000);
  clock.advance(2000);
  limiter.recordFailure(keys);
  assert.equal(limiter.retryAfterMs(keys), 4000);
});

test('the source stays slowed after the account succeeds, and the wait is capped at 15 minutes', () => {
  const clock = new TestClock(START);
  const limiter = new LoginLimiter(clock);
  const keys = ['user:bob', 'source:10.0.0.2'];
  for (let i = 0; i < 40; i++) {
    limiter.recordFailure(keys);
    clock.advance(limiter.retryAfterMs(keys));
  }
  limiter.recordFailure(keys);
  assert.equal(limiter.retryAfterMs(keys), 15 * 60 * 1000);
  limiter.recordSuccess('user:bob');
  assert.equal(limiter.retryAfterMs(['user:bob']), 0);
  assert.equal(limiter.retryAfterMs(['source:10.0.0.2']), 15 * 60 * 1000);
});
