import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTerminalFrame, encodeTerminalFrame } from './terminal-frames.js';

test('terminal frames survive an encode/decode round trip', () => {
  const data = new TextEncoder().encode('echo hi\r');
  assert.deepEqual(decodeTerminalFrame(encodeTerminalFrame({ type: 'data', data })), {
    type: 'data',
    data,
  });
  assert.deepEqual(
    decodeTerminalFrame(encodeTerminalFrame({ type: 'resize', cols: 120, rows: 40 })),
    { type: 'resize', cols: 120, rows: 40 },
  );
  assert.deepEqual(
    decodeTerminalFrame(
      encodeTerminalFrame({ type: 'exit', exitCode: -1, reason: 'shell exited' }),
    ),
    { type: 'exit', exitCode: -1, reason: 'shell exited' },
  );
});

test('malformed terminal frames are rejected, not guessed', () => {
  assert.equal(decodeTerminalFrame(new Uint8Array([])), undefined);
  assert.equal(decodeTerminalFrame(new Uint8Array([0x7f, 1, 2])), undefined);
  assert.equal(decodeTerminalFrame(new Uint8Array([0x02, 0, 0, 0, 24])), undefined); // 0 columns
  assert.equal(decodeTerminalFrame(new Uint8Array([0x02, 0, 80])), undefined); // short
  assert.equal(decodeTerminalFrame(new Uint8Array([0x03, 0])), undefined);
});
