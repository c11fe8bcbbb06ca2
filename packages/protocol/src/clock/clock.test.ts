import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repeat } from './clock.js';
import { TestClock } from './test-clock.js';

test('timers fire in time order during advance, each seeing its own due time', () => {
  const clock = new TestClock(Date.UTC(2026, 0, 1));
  const fired: string[] = [];
  clock.setTimer(() => fired.push(`b@${clock.now().toISOString()}`), 2000);
  clock.setTimer(() => fired.push(`a@${clock.now().toISOString()}`), 1000);
  const cancel = clock.setTimer(() => fired.push('cancelled'), 1500);
  cancel();
  clock.advance(1999);
  assert.deepEqual(fired, ['a@2026-01-01T00:00:01.000Z']);
  clock.advance(1);
  assert.deepEqual(fired, ['a@2026-01-01T00:00:01.000Z', 'b@2026-01-01T00:00:02.000Z']);
  assert.equal(clock.pendingTimers, 0);
});

test('repeat runs every period until cancelled, even when a run throws', () => {
  const clock = new TestClock();
  let runs = 0;
  const stop = repeat(
    clock,
    () => {
      runs++;
      if (runs === 1) throw new Error('first run fails');
    },
    100,
  );
  assert.throws(() => clock.advance(100), /first run fails/);
  clock.advance(250);
  assert.equal(runs, 3);
  stop();
  clock.advance(1000);
  assert.equal(runs, 3);
  assert.deepEqual(clock.pendingDelays(), []);
});
