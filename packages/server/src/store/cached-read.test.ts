import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { cachedRead } from './cached-read.js';

test('a read is shared for its time, then read again; a failed read is not remembered', async () => {
  const clock = new TestClock(Date.parse('2026-12-07T10:00:00Z'));
  let reads = 0;
  let isDown = false;
  const value = cachedRead({
    clock,
    ttlMs: 1000,
    read: () => (++reads, isDown ? Promise.reject(new Error('down')) : Promise.resolve(reads)),
  });
  assert.deepEqual(await Promise.all([value(), value()]), [1, 1], 'one read for both callers');
  clock.advance(999);
  assert.equal(await value(), 1);
  clock.advance(1);
  assert.equal(await value(), 2, 'read again once its time is up');
  assert.equal(await value(true), 3, 'fresh when asked');
  clock.advance(1000);
  isDown = true;
  await assert.rejects(value(), /down/);
  isDown = false;
  assert.equal(await value(), 5, 'the failure is not kept');
});
