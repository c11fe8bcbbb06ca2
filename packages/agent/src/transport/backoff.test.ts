import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBackoff } from './backoff.js';

test('a restart is retried within a second for a while, then the ceiling doubles to the cap', () => {
  const backoff = createBackoff({ baseMs: 500, capMs: 30_000, random: () => 0.999999 });
  const delays = Array.from({ length: 127 }, () => backoff.nextDelayMs());
  assert.deepEqual(delays, [
    499,
    ...Array<number>(119).fill(999),
    1999,
    3999,
    7999,
    15999,
    29999,
    29999,
    29999,
  ]);
  assert.equal(backoff.attempts, 127);
});

test('full jitter: the delay is the random fraction of the ceiling, down to zero', () => {
  const values = [0, 0.5, 0.25];
  const backoff = createBackoff({
    baseMs: 1000,
    quickAttempts: 0,
    quickCapMs: 1000,
    capMs: 60_000,
    random: () => values.shift() ?? 0,
  });
  assert.equal(backoff.nextDelayMs(), 0);
  assert.equal(backoff.nextDelayMs(), 1000); // 0.5 × 2000
  assert.equal(backoff.nextDelayMs(), 1000); // 0.25 × 4000
});

test('reset starts again from the base ceiling', () => {
  const backoff = createBackoff({ baseMs: 100, capMs: 10_000, random: () => 0.5 });
  backoff.nextDelayMs();
  backoff.nextDelayMs();
  backoff.nextDelayMs();
  backoff.reset();
  assert.equal(backoff.attempts, 0);
  assert.equal(backoff.nextDelayMs(), 50);
});

test('a very long outage never overflows the ceiling', () => {
  const backoff = createBackoff({ random: () => 0.999 });
  for (let i = 0; i < 2000; i++) backoff.nextDelayMs();
  const delay = backoff.nextDelayMs();
  assert.ok(Number.isFinite(delay) && delay <= 30_000);
});

test('a server that says when to come back is taken at its word, with up to a second of jitter', () => {
  const backoff = createBackoff({ random: () => 0.999999 });
  backoff.nextDelayMs();
  assert.equal(backoff.deferredDelayMs(14_000), 14_999, 'at most one second late');
  assert.equal(backoff.deferredDelayMs(400), 499, 'a quarter of a short wait');
  assert.equal(backoff.deferredDelayMs(0), 49);
  assert.equal(backoff.attempts, 1, 'being told to wait is not a failed attempt');
});
