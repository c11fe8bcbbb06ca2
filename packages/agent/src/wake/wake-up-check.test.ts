import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { WAKE_UP_WINDOW_MS, wakeUpText } from '@tether/protocol/wake-up';
import type { Clock } from '../clock.js';
import { generateIdentityKey, signText } from '../identity/ed25519.js';
import { createWakeUpCheck } from './wake-up-check.js';

const server = generateIdentityKey();
const deviceId = randomUUID();
let nowMs = Date.UTC(2026, 11, 7, 12);
const clock: Clock = {
  now: () => new Date(nowMs),
  setTimer: () => () => undefined,
};

function wakeUp(
  options: { key?: typeof server.privateKey; issuedAt?: number; device?: string } = {},
): string {
  const body = {
    deviceId: options.device ?? deviceId,
    nonce: randomBytes(24).toString('base64url'),
    issuedAt: options.issuedAt ?? nowMs,
  };
  return JSON.stringify({
    ...body,
    signature: signText(options.key ?? server.privateKey, wakeUpText(body)),
  });
}

const check = createWakeUpCheck({ deviceId, pinnedKey: () => server.publicKey, clock });

test('a wake-up signed by the pinned server key for this device is accepted once', () => {
  const line = wakeUp();
  assert.deepEqual(check.check(line), { ok: true });
  assert.deepEqual(check.check(line), { ok: false, reason: 'replayed' });
});

test('a forged wake-up (another key) is refused', () => {
  const forger = generateIdentityKey();
  assert.deepEqual(check.check(wakeUp({ key: forger.privateKey })), {
    ok: false,
    reason: 'not signed by the pinned server key',
  });
  // A valid signature moved onto another nonce does not verify either.
  const valid = JSON.parse(wakeUp()) as Record<string, unknown>;
  const moved = JSON.stringify({ ...valid, nonce: randomBytes(24).toString('base64url') });
  assert.equal(check.check(moved).ok, false);
});

test('a wake-up for another device, outside the time window, or garbage is refused', () => {
  assert.deepEqual(check.check(wakeUp({ device: randomUUID() })), {
    ok: false,
    reason: 'for another device',
  });
  const stale = check.check(wakeUp({ issuedAt: nowMs - WAKE_UP_WINDOW_MS - 1 }));
  assert.equal(stale.ok, false);
  assert.equal(check.check(wakeUp({ issuedAt: nowMs + WAKE_UP_WINDOW_MS + 1 })).ok, false);
  assert.deepEqual(check.check('{"hello":1}'), { ok: false, reason: 'not a wake-up' });
  assert.deepEqual(check.check('not json'), { ok: false, reason: 'not a wake-up' });
});

test('a replay stays refused for as long as its wake-up could pass the time check', () => {
  const line = wakeUp();
  assert.equal(check.check(line).ok, true);
  nowMs += WAKE_UP_WINDOW_MS - 1;
  assert.deepEqual(check.check(line), { ok: false, reason: 'replayed' });
  nowMs += 2;
  // Now forgotten, but also too old: the time window refuses it.
  assert.equal(check.check(line).ok, false);
});
