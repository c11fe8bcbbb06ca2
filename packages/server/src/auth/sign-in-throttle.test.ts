import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol';

const START = Date.parse('2026-01-01T00:00:00Z');
import { createMemoryGuessCounters } from '../store/test/memory-guess-counters.js';
import { SignInThrottle, type SignInDecision } from './sign-in-throttle.js';

const HOUR = 3_600_000;

test('simultaneous sign-ins are counted before any password is checked: a burst gets only the free attempts', async () => {
  const throttle = new SignInThrottle({
    counters: createMemoryGuessCounters(),
    clock: new TestClock(START),
  });
  // 30 requests arrive before the first password check ends: nothing is settled in between.
  const decisions = await Promise.all(
    Array.from({ length: 30 }, () => throttle.reserve('admin', '203.0.113.9')),
  );
  assert.equal(decisions.filter((decision) => decision.ok).length, 4);
  const refused = decisions.at(-1);
  assert.ok(refused?.ok === false);
  assert.equal(refused.retryAfterMs, 1000, 'the rest wait for the first delay');
});

test('a right password gives its attempt back, a wrong one keeps it', async () => {
  const clock = new TestClock(START);
  const throttle = new SignInThrottle({ counters: createMemoryGuessCounters(), clock: clock });
  for (let i = 0; i < 10; i++) {
    const decision = await throttle.reserve('alice', '198.51.100.1');
    assert.ok(decision.ok, `sign-in ${i + 1} of a user who knows the password`);
    await decision.succeeded();
  }
  for (let i = 0; i < 4; i++) assert.ok((await throttle.reserve('alice', '198.51.100.2')).ok);
  assert.equal((await throttle.reserve('alice', '198.51.100.2')).ok, false, 'four failures kept');
});

test('an attacker spreading guesses over many sources gets at most 100 failures per hour', async (t) => {
  const clock = new TestClock(START);
  const throttle = new SignInThrottle({ counters: createMemoryGuessCounters(), clock: clock });
  const sources = Array.from({ length: 300 }, (_, i) => `10.${i >> 8}.${i & 255}.1`);
  const failures: number[] = [];
  const start = clock.now().getTime();
  // Three hours; every source tries every 2 s, as soon as anything lets it.
  for (let elapsed = 0; elapsed < 3 * HOUR; elapsed += 2000) {
    for (const source of sources) {
      if ((await throttle.reserve('admin', source)).ok)
        failures.push(clock.now().getTime() - start);
    }
    clock.advance(2000);
  }
  let worst = 0;
  for (let first = 0, last = 0; first < failures.length; first++) {
    while (last < failures.length && (failures[last] ?? 0) < (failures[first] ?? 0) + HOUR) last++;
    worst = Math.max(worst, last - first);
  }
  t.diagnostic(`${failures.length} failures in 3 h from 300 sources; worst hour ${worst}`);
  assert.ok(worst <= 100, `${worst} failures in one hour`);
  assert.ok(failures.length >= 3 * 75, `the attack really ran (${failures.length} failures)`);
});

test('a source that signed in before still gets in while the account is under attack', async (t) => {
  const clock = new TestClock(START);
  const throttle = new SignInThrottle({ counters: createMemoryGuessCounters(), clock: clock });
  const office = '192.0.2.10';
  const signedIn = await throttle.reserve('admin', office);
  assert.ok(signedIn.ok);
  await signedIn.succeeded();
  const attack = async (): Promise<void> => {
    for (let i = 0; i < 200; i++) await throttle.reserve('admin', `10.1.${i}.1`);
  };
  for (let minute = 0; minute < 30; minute++) {
    await attack();
    clock.advance(60_000);
  }
  await attack();
  const stranger = await throttle.reserve('admin', '198.51.100.77');
  assert.equal(stranger.ok, false, 'a source that never signed in waits while under attack');

  const owner = await throttle.reserve('admin', office);
  assert.ok(owner.ok, 'the owner signs in at once');
  await owner.succeeded();

  // Even after typing it wrong a few times, the owner waits but is never shut out.
  let attempts = 0;
  let longestWaitMs = 0;
  for (let elapsed = 0; elapsed < HOUR;) {
    await attack();
    const decision: SignInDecision = await throttle.reserve('admin', office);
    if (decision.ok) {
      attempts++;
      clock.advance(1000);
      elapsed += 1000;
    } else {
      longestWaitMs = Math.max(longestWaitMs, decision.retryAfterMs);
      clock.advance(decision.retryAfterMs);
      elapsed += decision.retryAfterMs;
    }
  }
  t.diagnostic(
    `owner under attack: ${attempts} attempts in an hour, longest wait ${longestWaitMs} ms`,
  );
  assert.ok(attempts >= 8, `${attempts} wrong attempts of the owner in an hour`);
  const last = await throttle.reserve('admin', office);
  assert.ok(last.ok || last.retryAfterMs <= 15 * 60_000, 'the wait is capped');
  assert.ok(longestWaitMs <= 15 * 60_000, `longest wait ${longestWaitMs} ms`);
});

test('one source guessing many accounts is slowed after ten failures', async () => {
  const throttle = new SignInThrottle({
    counters: createMemoryGuessCounters(),
    clock: new TestClock(START),
  });
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => throttle.reserve(`user${i}`, '203.0.113.50')),
  );
  assert.deepEqual(
    results.map((result) => result.ok),
    [...Array<boolean>(11).fill(true), false],
  );
});

test('unlock clears the ceiling and the per-source delays of the account only', async () => {
  const clock = new TestClock(START);
  const throttle = new SignInThrottle({ counters: createMemoryGuessCounters(), clock: clock });
  for (let i = 0; i < 40; i++) await throttle.reserve('admin', `10.2.${i}.1`);
  for (let i = 0; i < 5; i++) await throttle.reserve('admin', '10.3.0.1');
  for (let i = 0; i < 5; i++) await throttle.reserve('bob', '10.3.0.1');
  assert.equal((await throttle.reserve('admin', '198.51.100.8')).ok, false);
  await throttle.unlock('Admin');
  assert.ok((await throttle.reserve('admin', '198.51.100.8')).ok, 'a new source may try again');
  assert.ok(
    (await throttle.reserve('admin', '10.3.0.1')).ok,
    'the per-source delay on admin is gone',
  );
  assert.equal(
    (await throttle.reserve('bob', '10.3.0.1')).ok,
    false,
    'other accounts are untouched',
  );
});

test('a sign-in that was never checked gives its attempt back', async () => {
  const throttle = new SignInThrottle({
    counters: createMemoryGuessCounters(),
    clock: new TestClock(START),
  });
  for (let i = 0; i < 10; i++) {
    const decision = await throttle.reserve('carol', '198.51.100.3');
    assert.ok(decision.ok);
    await decision.release();
  }
  assert.ok((await throttle.reserve('carol', '198.51.100.3')).ok);
});
