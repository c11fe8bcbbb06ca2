import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { GuessBudget, type GuessAdmission, type GuessReservation } from './guess-budget.js';

const LIMITS = { freeAttempts: 3, firstDelayMs: 5000, maxDelayMs: 60_000 };
const KEYS = ['access:1', 'device:a'];
const ACCESS = ['access:1'];
const START = Date.UTC(2026, 0, 1);

function granted(admission: GuessAdmission): GuessReservation {
  assert.ok(admission.isAllowed, 'the attempt is allowed');
  return admission.reservation;
}

test('attempts in flight count at once: a burst of 20 gets the three free attempts and no more', () => {
  const budget = new GuessBudget(new TestClock(START), LIMITS);
  const burst = Array.from({ length: 20 }, () => budget.reserve(KEYS, ACCESS));
  const allowed = burst.filter((admission) => admission.isAllowed);
  assert.equal(allowed.length, 3);
  for (const refused of burst.slice(3)) {
    assert.deepEqual(refused, { isAllowed: false, retryAfterMs: 1000 });
  }
});

test('beyond the free attempts only one attempt at a time is checked, and each failure doubles the wait', () => {
  const clock = new TestClock(START);
  const budget = new GuessBudget(clock, LIMITS);
  for (let attempt = 0; attempt < 3; attempt += 1) granted(budget.reserve(KEYS, ACCESS)).failed();
  const fourth = granted(budget.reserve(KEYS, ACCESS));
  const whileChecking = budget.reserve(KEYS, ACCESS);
  assert.equal(whileChecking.isAllowed, false, 'a second attempt waits for the one in flight');
  fourth.failed();
  assert.deepEqual(budget.reserve(KEYS, ACCESS), { isAllowed: false, retryAfterMs: 5000 });
  clock.advance(5000);
  granted(budget.reserve(KEYS, ACCESS)).failed();
  assert.deepEqual(budget.reserve(KEYS, ACCESS), { isAllowed: false, retryAfterMs: 10_000 });
});

test("a success clears the access's failures but not the device's", () => {
  const budget = new GuessBudget(new TestClock(START), LIMITS);
  for (let attempt = 0; attempt < 3; attempt += 1) granted(budget.reserve(KEYS, ACCESS)).failed();
  granted(budget.reserve(KEYS, ACCESS)).succeeded();
  assert.equal(budget.reserve(['access:1'], ACCESS).isAllowed, true, 'the access starts afresh');
  granted(budget.reserve(['device:a'], [])).failed();
  assert.equal(budget.reserve(['device:a'], []).isAllowed, false, 'the device still counts');
});

test('an outcome reported twice counts once', () => {
  const budget = new GuessBudget(new TestClock(START), LIMITS);
  const reservation = granted(budget.reserve(KEYS, ACCESS));
  reservation.failed();
  reservation.failed();
  granted(budget.reserve(KEYS, ACCESS)).failed();
  granted(budget.reserve(KEYS, ACCESS)).failed();
  assert.equal(budget.reserve(KEYS, ACCESS).isAllowed, true, 'three failures, not four');
});

test('failures are forgotten after an hour without attempts', () => {
  const clock = new TestClock(START);
  const budget = new GuessBudget(clock, LIMITS);
  for (let attempt = 0; attempt < 4; attempt += 1) granted(budget.reserve(KEYS, ACCESS)).failed();
  assert.equal(budget.reserve(KEYS, ACCESS).isAllowed, false);
  clock.advance(60 * 60 * 1000);
  const burst = Array.from({ length: 5 }, () => budget.reserve(KEYS, ACCESS));
  assert.equal(burst.filter((admission) => admission.isAllowed).length, 3);
});
