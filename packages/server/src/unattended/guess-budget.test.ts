import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { createLogger } from '../logging.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { GuessBudget, type GuessAdmission, type GuessReservation } from './guess-budget.js';

const LIMITS = { freeAttempts: 3, firstDelayMs: 5000, maxDelayMs: 60_000, scope: 'test' };
const KEYS = ['access:1', 'device:a'];
const ACCESS = ['access:1'];
const START = Date.UTC(2026, 0, 1);

let store: Store;
beforeEach(async () => {
  store = await openStore('sqlite::memory:');
});
afterEach(() => store.close());

const budgetAt = (clock: TestClock): GuessBudget =>
  new GuessBudget({ store, clock, log: createLogger({ level: 'silent' }) }, LIMITS);

async function granted(admission: Promise<GuessAdmission>): Promise<GuessReservation> {
  const result = await admission;
  assert.ok(result.isAllowed, 'the attempt is allowed');
  return result.reservation;
}

async function failTimes(budget: GuessBudget, times: number): Promise<void> {
  for (let attempt = 0; attempt < times; attempt += 1)
    await (await granted(budget.reserve(KEYS, ACCESS))).failed();
}

test('attempts in flight count at once: a burst of 20 gets the three free attempts and no more', async () => {
  const budget = budgetAt(new TestClock(START));
  const burst = await Promise.all(Array.from({ length: 20 }, () => budget.reserve(KEYS, ACCESS)));
  const allowed = burst.filter((admission) => admission.isAllowed);
  assert.equal(allowed.length, 3);
  for (const refused of burst.filter((admission) => !admission.isAllowed)) {
    assert.deepEqual(refused, { isAllowed: false, retryAfterMs: 1000 });
  }
});

test('beyond the free attempts only one attempt at a time is checked, and each failure doubles the wait', async () => {
  const clock = new TestClock(START);
  const budget = budgetAt(clock);
  await failTimes(budget, 3);
  const fourth = await granted(budget.reserve(KEYS, ACCESS));
  const whileChecking = await budget.reserve(KEYS, ACCESS);
  assert.equal(whileChecking.isAllowed, false, 'a second attempt waits for the one in flight');
  await fourth.failed();
  assert.deepEqual(await budget.reserve(KEYS, ACCESS), { isAllowed: false, retryAfterMs: 5000 });
  clock.advance(5000);
  await (await granted(budget.reserve(KEYS, ACCESS))).failed();
  assert.deepEqual(await budget.reserve(KEYS, ACCESS), { isAllowed: false, retryAfterMs: 10_000 });
});

test("a success clears the access's failures but not the device's", async () => {
  const budget = budgetAt(new TestClock(START));
  await failTimes(budget, 3);
  await (await granted(budget.reserve(KEYS, ACCESS))).succeeded();
  const access = await budget.reserve(['access:1'], ACCESS);
  assert.equal(access.isAllowed, true, 'the access starts afresh');
  await (await granted(budget.reserve(['device:a'], []))).failed();
  const device = await budget.reserve(['device:a'], []);
  assert.equal(device.isAllowed, false, 'the device still counts');
});

test('an outcome reported twice counts once', async () => {
  const budget = budgetAt(new TestClock(START));
  const reservation = await granted(budget.reserve(KEYS, ACCESS));
  await reservation.failed();
  await reservation.failed();
  await failTimes(budget, 2);
  const next = await budget.reserve(KEYS, ACCESS);
  assert.equal(next.isAllowed, true, 'three failures, not four');
});

test('failures are forgotten after an hour without attempts', async () => {
  const clock = new TestClock(START);
  const budget = budgetAt(clock);
  await failTimes(budget, 4);
  assert.equal((await budget.reserve(KEYS, ACCESS)).isAllowed, false);
  clock.advance(60 * 60 * 1000);
  const burst = await Promise.all(Array.from({ length: 5 }, () => budget.reserve(KEYS, ACCESS)));
  assert.equal(burst.filter((admission) => admission.isAllowed).length, 3);
});

test('an attempt whose outcome never comes stops holding the key after a minute', async () => {
  const clock = new TestClock(START);
  const budget = budgetAt(clock);
  await failTimes(budget, 3);
  await granted(budget.reserve(KEYS, ACCESS));
  assert.equal((await budget.reserve(KEYS, ACCESS)).isAllowed, false);
  clock.advance(60_000);
  assert.equal((await budget.reserve(KEYS, ACCESS)).isAllowed, true);
});

test('two budgets on one store share the counters of their scope', async () => {
  const clock = new TestClock(START);
  const [first, second] = [budgetAt(clock), budgetAt(clock)];
  await failTimes(first, 2);
  await failTimes(second, 1);
  await (await granted(first.reserve(KEYS, ACCESS))).failed();
  assert.deepEqual(await second.reserve(KEYS, ACCESS), { isAllowed: false, retryAfterMs: 5000 });
});
