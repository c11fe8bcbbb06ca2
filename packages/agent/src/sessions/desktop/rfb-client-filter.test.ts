import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RfbClientFilter, RfbProtocolError } from './rfb-client-filter.js';

const keyEvent = Buffer.from([4, 1, 0, 0, 0, 0, 0, 0x61]);
const pointerEvent = Buffer.from([5, 1, 0, 10, 0, 20]);
const cutText = Buffer.concat([Buffer.from([6, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('abc')]);
const updateRequest = Buffer.from([3, 1, 0, 0, 0, 0, 4, 0, 3, 0]);
const setEncodings = Buffer.from([2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x21]);
const setPixelFormat = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.alloc(16, 1)]);

const all = Buffer.concat([
  Buffer.from([0]), // ClientInit, not shared
  setPixelFormat,
  setEncodings,
  updateRequest,
  keyEvent,
  pointerEvent,
  cutText,
]);

test('a full-control session forwards every message whole, however the bytes are split', () => {
  const filter = new RfbClientFilter({ viewOnly: false });
  const forwarded: Buffer[] = [];
  for (const byte of all) forwarded.push(...filter.push(Buffer.from([byte])).forward);
  assert.deepEqual(forwarded, [
    Buffer.from([1]), // ClientInit forced to shared
    setPixelFormat,
    setEncodings,
    updateRequest,
    keyEvent,
    pointerEvent,
    cutText,
  ]);
});

test('a view-only session drops keyboard, pointer and clipboard but keeps the screen coming', () => {
  const filter = new RfbClientFilter({ viewOnly: true });
  const result = filter.push(all);
  assert.equal(result.dropped, 3);
  assert.deepEqual(result.forward, [Buffer.from([1]), setPixelFormat, setEncodings, updateRequest]);
});

test('an unknown message type or an oversized clipboard is refused', () => {
  const unknown = new RfbClientFilter({ viewOnly: false });
  assert.throws(() => unknown.push(Buffer.from([1, 77, 0, 0])), RfbProtocolError);
  const huge = new RfbClientFilter({ viewOnly: false });
  assert.throws(
    () => huge.push(Buffer.from([1, 6, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff])),
    /over the limit/,
  );
});
