import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeTerminalFrame } from '@tether/protocol';
import type { RelayPeer } from '../relay/relay-peer.js';
import { isFannedOut, SharedConsole } from './shared-console.js';

/** A peer as plain data: what was sent to it, and hooks to make it speak or close. */
function fakePeer(options: { isWriteDone?: boolean } = {}) {
  const sent: Uint8Array[] = [];
  const closes: { code: number; reason: string }[] = [];
  let onMessage: (data: Uint8Array) => void = () => undefined;
  let onClose: (code: number, reason: string) => void = () => undefined;
  let paused = 0;
  const peer: RelayPeer = {
    send(data, onWritten) {
      sent.push(data);
      if (options.isWriteDone !== false) onWritten();
    },
    pause: () => (paused += 1),
    resume: () => (paused -= 1),
    close(code, reason) {
      closes.push({ code, reason });
      onClose(code, reason);
    },
    onMessage: (listener) => (onMessage = listener),
    onClose: (listener) => (onClose = listener),
  };
  return {
    peer,
    sent,
    closes,
    isPaused: () => paused > 0,
    say: (data: Uint8Array) => onMessage(data),
    drop: () => onClose(1006, ''),
  };
}

const data = (text: string) => encodeTerminalFrame({ type: 'data', data: Buffer.from(text) });
const resize = encodeTerminalFrame({ type: 'resize', cols: 10, rows: 5 });

test('the device output reaches the technician and every guest; a late guest gets the recent output', () => {
  const owner = fakePeer();
  const shared = new SharedConsole(owner.peer, 'terminal');
  shared.send(data('first'), () => undefined);
  const guest = fakePeer();
  shared.addGuest({ id: 'g1', peer: guest.peer, hasControl: false, onLeft: () => undefined });
  shared.send(data('second'), () => undefined);
  assert.equal(owner.sent.length, 2);
  assert.deepEqual(guest.sent, [data('first'), data('second')]);
});

test("a guest's keys reach the device only with control, and never a resize", () => {
  const owner = fakePeer();
  const shared = new SharedConsole(owner.peer, 'terminal');
  const toDevice: Uint8Array[] = [];
  shared.onMessage((message) => toDevice.push(message));
  const watcher = fakePeer();
  const helper = fakePeer();
  shared.addGuest({ id: 'w', peer: watcher.peer, hasControl: false, onLeft: () => undefined });
  shared.addGuest({ id: 'h', peer: helper.peer, hasControl: true, onLeft: () => undefined });
  watcher.say(data('ls\r'));
  helper.say(resize);
  helper.say(data('pwd\r'));
  owner.say(data('whoami\r'));
  assert.deepEqual(toDevice, [data('pwd\r'), data('whoami\r')]);
});

test('a guest leaving leaves the session running; the technician leaving closes the guests', () => {
  const owner = fakePeer();
  const shared = new SharedConsole(owner.peer, 'terminal');
  const ends: string[] = [];
  shared.onClose((code) => ends.push(`session ${code}`));
  const first = fakePeer();
  const second = fakePeer();
  shared.addGuest({ id: 'a', peer: first.peer, hasControl: false, onLeft: () => ends.push('a') });
  shared.addGuest({ id: 'b', peer: second.peer, hasControl: false, onLeft: () => ends.push('b') });
  first.drop();
  assert.deepEqual(ends, ['a']);
  assert.equal(shared.guestCount, 1);
  owner.drop();
  assert.deepEqual(ends, ['a', 'b', 'session 1006']);
  assert.match(second.closes[0]?.reason ?? '', /technician who invited you left/);
});

test('a guest too slow to keep up is dropped instead of buffered without bound', () => {
  const owner = fakePeer();
  const shared = new SharedConsole(owner.peer, 'terminal');
  const slow = fakePeer({ isWriteDone: false });
  shared.addGuest({ id: 's', peer: slow.peer, hasControl: false, onLeft: () => undefined });
  const chunk = data('x'.repeat(60_000));
  for (let sent = 0; sent < 80; sent += 1) shared.send(chunk, () => undefined);
  assert.equal(slow.closes[0]?.code, 1008);
  assert.equal(owner.sent.length, 80, 'the technician still gets everything');
});

test('flow control pauses the guests with the technician; removing a guest closes only them', () => {
  const owner = fakePeer();
  const shared = new SharedConsole(owner.peer, 'terminal');
  const guest = fakePeer();
  shared.addGuest({ id: 'g', peer: guest.peer, hasControl: true, onLeft: () => undefined });
  shared.pause();
  assert.ok(owner.isPaused() && guest.isPaused());
  shared.resume();
  assert.ok(!owner.isPaused() && !guest.isPaused());
  assert.equal(shared.removeGuest('g', 4403, 'withdrawn'), true);
  assert.deepEqual(guest.closes, [{ code: 4403, reason: 'withdrawn' }]);
  assert.deepEqual(owner.closes, []);
});

test('terminal guests share the stream; desktop and files guests get their own', () => {
  assert.equal(isFannedOut('terminal'), true);
  assert.equal(isFannedOut('desktop'), false);
  assert.equal(isFannedOut('files'), false);
});
