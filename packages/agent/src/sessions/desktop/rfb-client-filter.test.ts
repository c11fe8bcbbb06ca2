import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RfbClientFilter, RfbProtocolError } from './rfb-client-filter.js';

const keyEvent = Buffer.from([4, 1, 0, 0, 0, 0, 0, 0x61]);
const pointerEvent = Buffer.from([5, 1, 0, 10, 0, 20]);
const cutText = Buffer.concat([Buffer.from([6, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('abc')]);
const updateRequest = Buffer.from([3, 1, 0, 0, 0, 0, 4, 0, 3, 0]);
const setEncodings = Buffer.from([2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x21]);
const setPixelFormat = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.alloc(16, 1)]);
// Extensions, laid out as in rfbproto.
const continuousUpdates = Buffer.from([150, 1, 0, 0, 0, 0, 4, 0, 3, 0]);
const clientFence = Buffer.concat([
  Buffer.from([248, 0, 0, 0, 0x80, 0, 0, 3, 2]),
  Buffer.from('ab'),
]);
const xvpReboot = Buffer.from([250, 0, 1, 3]);
const setDesktopSize = Buffer.concat([
  Buffer.from([251, 0, 4, 0, 3, 0, 1, 0]),
  Buffer.alloc(16, 7),
]);
const giiBigEndian = Buffer.from([253, 0x81, 0, 2, 0, 1]); // version reply, big endian
const giiLittleEndian = Buffer.from([253, 0x01, 2, 0, 1, 0]); // same, little endian
const qemuKey = Buffer.from([255, 0, 0, 1, 0, 0, 0xff, 0x0d, 0, 0, 0, 0x1c]);
const qemuAudioEnable = Buffer.from([255, 1, 0, 0]);
const qemuAudioFormat = Buffer.from([255, 1, 0, 2, 3, 2, 0, 0, 0xac, 0x44]);

const all = Buffer.concat([
  Buffer.from([0]), // ClientInit, not shared
  setPixelFormat,
  setEncodings,
  updateRequest,
  keyEvent,
  pointerEvent,
  cutText,
]);

/** Feeds `bytes` one byte at a time, so every length is read across splits. */
function pushByteByByte(filter: RfbClientFilter, bytes: Buffer): Buffer[] {
  const forwarded: Buffer[] = [];
  for (const byte of bytes) forwarded.push(...filter.push(Buffer.from([byte])).forward);
  return forwarded;
}

/** A filter past ClientInit. */
function started(viewOnly: boolean): RfbClientFilter {
  const filter = new RfbClientFilter({ viewOnly });
  filter.push(Buffer.from([1]));
  return filter;
}

test('a full-control session forwards every message whole, however the bytes are split', () => {
  const filter = new RfbClientFilter({ viewOnly: false });
  assert.deepEqual(pushByteByByte(filter, all), [
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

const extensions: { name: string; message: Buffer; isInput: boolean }[] = [
  { name: 'EnableContinuousUpdates (150)', message: continuousUpdates, isInput: false },
  { name: 'ClientFence (248) with a payload', message: clientFence, isInput: false },
  { name: 'xvp (250)', message: xvpReboot, isInput: true },
  { name: 'SetDesktopSize (251) with one screen', message: setDesktopSize, isInput: true },
  { name: 'gii (253), big endian', message: giiBigEndian, isInput: true },
  { name: 'gii (253), little endian', message: giiLittleEndian, isInput: true },
  { name: 'QEMU extended key event (255/0)', message: qemuKey, isInput: true },
  { name: 'QEMU audio enable (255/1/0)', message: qemuAudioEnable, isInput: false },
  { name: 'QEMU audio set format (255/1/2)', message: qemuAudioFormat, isInput: false },
];

for (const { name, message, isInput } of extensions) {
  test(`${name} is parsed at its length and ${isInput ? 'dropped' : 'kept'} in view-only`, () => {
    // Followed by a key event: a wrong length would swallow or split it.
    const stream = Buffer.concat([message, keyEvent]);
    assert.deepEqual(pushByteByByte(started(false), stream), [message, keyEvent]);
    const viewOnly = started(true).push(stream);
    assert.deepEqual(viewOnly.forward, isInput ? [] : [message]);
    assert.equal(viewOnly.dropped, isInput ? 2 : 1);
  });
}

test('an unknown message type is refused with its number', () => {
  assert.throws(
    () => new RfbClientFilter({ viewOnly: false }).push(Buffer.from([1, 77, 0, 0])),
    (error: unknown) =>
      error instanceof RfbProtocolError && /unknown RFB client message type 77/.test(error.message),
  );
});

test('unknown QEMU sub-types and audio operations are refused', () => {
  assert.throws(() => started(false).push(Buffer.from([255, 9, 0, 0])), /sub-type 9/);
  assert.throws(() => started(false).push(Buffer.from([255, 1, 0, 7])), /audio operation 7/);
});

test('an oversized clipboard or fence payload is refused', () => {
  assert.throws(
    () => started(false).push(Buffer.from([6, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff])),
    /over the limit/,
  );
  assert.throws(
    () => started(false).push(Buffer.from([248, 0, 0, 0, 0, 0, 0, 0, 65])),
    /64-byte limit/,
  );
});
