import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBusHub } from './cluster.js';

test('a `*` token matches any one token, and the handler is told the subject', async () => {
  const bus = new MemoryBusHub().bus();
  const heard: [unknown, string][] = [];
  bus.subscribe('tether.device.*.send', (message, subject) => heard.push([message, subject]));
  bus.publish('tether.device.d1.send', { n: 1 });
  bus.publish('tether.device.d2.close', { n: 2 });
  bus.publish('tether.device.d3.send.more', { n: 3 });
  bus.publish('tether.device.d4.send', { n: 4 });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(heard, [
    [{ n: 1 }, 'tether.device.d1.send'],
    [{ n: 4 }, 'tether.device.d4.send'],
  ]);
  await bus.close();
});
