import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DISCONNECT_AFTER_BURSTS, MessageBudget } from './message-budget.js';

const limits = { messagesPerSec: 10, messageBurst: 5 };

test('a burst is accepted, then messages beyond the budget are dropped and counted', () => {
  const budget = new MessageBudget(limits, 0);
  const verdicts = Array.from({ length: 8 }, () => budget.take(0));
  assert.deepEqual(verdicts, [
    ...Array<string>(5).fill('accept'),
    ...Array<string>(3).fill('drop'),
  ]);
  assert.equal(budget.dropped, 3);
});

test('the budget refills at the sustained rate', () => {
  const budget = new MessageBudget(limits, 0);
  for (let i = 0; i < 5; i++) budget.take(0);
  assert.equal(budget.take(0), 'drop');
  assert.equal(budget.take(100), 'accept', 'one message per 100 ms at 10 per second');
  assert.equal(budget.take(100), 'drop');
  assert.equal(budget.take(10_000), 'accept', 'a quiet spell refills the burst');
});

test('an agent sending at its rate is never cut, one flooding far past it is', () => {
  const steady = new MessageBudget(limits, 0);
  for (let ms = 0; ms < 60_000; ms += 100) assert.equal(steady.take(ms), 'accept');

  const flood = new MessageBudget(limits, 0);
  let verdict = flood.take(0);
  let sent = 1;
  while (verdict !== 'disconnect' && sent < 10_000) {
    verdict = flood.take(0);
    sent += 1;
  }
  assert.equal(verdict, 'disconnect');
  assert.equal(sent, limits.messageBurst + DISCONNECT_AFTER_BURSTS * limits.messageBurst + 1);
});
