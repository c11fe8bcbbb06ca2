import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GuessCounter } from '../store/shared-state-repository.js';
import { failureCount } from './failure-count.js';
import { SIGN_IN_LIMITS } from './guess-limits.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const limits = SIGN_IN_LIMITS;
const fresh = (): GuessCounter => ({
  failures: 0,
  pending: 0,
  pendingUntil: 0,
  blockedUntil: 0,
  lastAt: 0,
});

test('three failures are free, then each failure doubles the wait', () => {
  const counter = fresh();
  let now = START;
  for (let i = 0; i < 3; i++) failureCount.recordFailure(counter, { now, limits });
  assert.equal(failureCount.retryAfterMs(counter, now), 0);
  failureCount.recordFailure(counter, { now, limits });
  assert.equal(failureCount.retryAfterMs(counter, now), 1000);
  now += 1000;
  failureCount.recordFailure(counter, { now, limits });
  assert.equal(failureCount.retryAfterMs(counter, now), 2000);
  now += 2000;
  failureCount.recordFailure(counter, { now, limits });
  assert.equal(failureCount.retryAfterMs(counter, now), 4000);
});

test('the wait is capped at 15 minutes, a right guess gives its attempt back, clearing ends it', () => {
  const counter = fresh();
  let now = START;
  for (let i = 0; i < 40; i++) {
    failureCount.recordFailure(counter, { now, limits });
    now += failureCount.retryAfterMs(counter, now);
  }
  failureCount.recordFailure(counter, { now, limits });
  assert.equal(failureCount.retryAfterMs(counter, now), 15 * 60 * 1000);
  const before = counter.failures;
  failureCount.refund(counter, limits);
  assert.equal(counter.failures, before - 1);
  failureCount.clear(counter);
  assert.equal(failureCount.retryAfterMs(counter, now), 0);
});

test('failures an hour old are forgotten: the next one starts the count again', () => {
  const counter = fresh();
  for (let i = 0; i < 5; i++) failureCount.recordFailure(counter, { now: START, limits });
  const later = START + 61 * 60 * 1000;
  failureCount.recordFailure(counter, { now: later, limits });
  assert.equal(counter.failures, 1);
  assert.equal(failureCount.retryAfterMs(counter, later), 0);
});
