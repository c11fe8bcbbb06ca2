import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../../test/helpers/fake-clock.js';
import { createOutputBatcher } from './output-batcher.js';

function setup() {
  const clock = new FakeClock();
  const sent: string[] = [];
  const batcher = createOutputBatcher({
    clock,
    delayMs: 5,
    maxBytes: 10,
    send: (bytes) => sent.push(bytes.toString()),
  });
  return { clock, sent, batcher };
}

test('output within the delay goes out as one frame', () => {
  const { clock, sent, batcher } = setup();
  batcher.push(Buffer.from('ab'));
  batcher.push(Buffer.from('cd'));
  clock.advance(4);
  assert.deepEqual(sent, []);
  clock.advance(1);
  assert.deepEqual(sent, ['abcd']);
});

test('reaching maxBytes sends at once without waiting', () => {
  const { clock, sent, batcher } = setup();
  batcher.push(Buffer.from('12345'));
  batcher.push(Buffer.from('67890x'));
  assert.deepEqual(sent, ['1234567890x']);
  assert.equal(clock.pendingTimers, 0);
});

test('flush sends what is pending; dispose drops it', () => {
  const { clock, sent, batcher } = setup();
  batcher.push(Buffer.from('a'));
  batcher.flush();
  batcher.push(Buffer.from('b'));
  batcher.dispose();
  clock.advance(100);
  assert.deepEqual(sent, ['a']);
  assert.equal(clock.pendingTimers, 0);
});
