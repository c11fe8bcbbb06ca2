import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol/agent';
import { createOutputBatcher } from './output-batcher.js';

function setup() {
  const clock = new TestClock();
  const sent: string[] = [];
  const batcher = createOutputBatcher({
    clock,
    delayMs: 5,
    maxBytes: 10,
    interactiveBytes: 3,
    send: (bytes) => sent.push(bytes.toString()),
  });
  return { clock, sent, batcher };
}

test('the first output after a quiet spell goes out at once (keystroke echo)', () => {
  const { clock, sent, batcher } = setup();
  batcher.push(Buffer.from('a'));
  assert.deepEqual(sent, ['a']);
  assert.equal(clock.pendingTimers, 0, 'an echo leaves no timer to wake the agent later');
  clock.advance(50);
  batcher.push(Buffer.from('b'));
  assert.deepEqual(sent, ['a', 'b'], 'after the window closed, output is immediate again');
});

test('sustained output within the delay goes out as one frame', () => {
  const { clock, sent, batcher } = setup();
  batcher.push(Buffer.from('ab'));
  batcher.push(Buffer.from('cd'));
  batcher.push(Buffer.from('ef'));
  clock.advance(4);
  assert.deepEqual(sent, ['ab']);
  clock.advance(1);
  assert.deepEqual(sent, ['ab', 'cdef']);
  clock.advance(5);
  assert.equal(clock.pendingTimers, 0, 'the window closes when nothing more came');
});

test('small output inside a window (typing fast) is not held back', () => {
  const { sent, batcher } = setup();
  batcher.push(Buffer.from('a'));
  batcher.push(Buffer.from('b'));
  batcher.push(Buffer.from('c'));
  assert.deepEqual(sent, ['a', 'b', 'c']);
  batcher.push(Buffer.from('d'));
  assert.deepEqual(sent, ['a', 'b', 'c'], 'more than interactiveBytes in one window is batched');
});

test('reaching maxBytes inside a window sends at once without waiting', () => {
  const { sent, batcher } = setup();
  batcher.push(Buffer.from('0'));
  batcher.push(Buffer.from('12345'));
  batcher.push(Buffer.from('67890x'));
  assert.deepEqual(sent, ['0', '1234567890x']);
});

test('flush sends what is pending; dispose drops it', () => {
  const { clock, sent, batcher } = setup();
  batcher.push(Buffer.from('a'));
  batcher.push(Buffer.from('bcd'));
  batcher.flush();
  batcher.push(Buffer.from('e'));
  batcher.push(Buffer.from('fgh'));
  batcher.dispose();
  clock.advance(100);
  assert.deepEqual(sent, ['a', 'bcd', 'e']);
  assert.equal(clock.pendingTimers, 0);
});
