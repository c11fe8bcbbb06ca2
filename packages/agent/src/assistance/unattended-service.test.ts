import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { SessionOffer } from '@tether/protocol/agent';
import { TestClock } from '@tether/protocol/agent';
import { createOfferGate } from './check-offer.js';
import { createUnattendedService } from './unattended-service.js';
import { fixedUserPresence } from './user-presence.js';

const log = pino({ level: 'silent' });
const MINUTE = 60_000;

const offer = (accessId?: string): SessionOffer => ({
  type: 'session.offer',
  sessionId: '6f1c2a52-8a55-4a8e-9f0e-1d3b7c9e2a10',
  kind: 'terminal',
  relayPath: '/relay/v1/6f1c2a52-8a55-4a8e-9f0e-1d3b7c9e2a10',
  token: 'a'.repeat(43),
  technician: 'alice',
  mode: 'unattended',
  ...(accessId ? { accessId } : {}),
});

test('an unattended session opens only for an access the service is on for', async () => {
  const unattended = createUnattendedService({ clock: new TestClock(0), log });
  const gate = createOfferGate({ presence: fixedUserPresence('absent'), unattended });
  await assert.rejects(async () => gate(offer()), /not on for this access/);
  await assert.rejects(async () => gate(offer('123456789')), /not on for this access/);
  unattended.enable('123456789');
  await gate(offer('123456789'));
  assert.equal(unattended.disable('123456789', 'test'), true);
  await assert.rejects(async () => gate(offer('123456789')), /not on for this access/);
});

test('the agent turns the service off by itself when no session ran under it for its idle limit', () => {
  const clock = new TestClock(0);
  const unattended = createUnattendedService({ clock, log, idleLimitMs: 16 * MINUTE });
  unattended.enable('123456789');
  const ended = unattended.sessionStarted('123456789');
  clock.advance(60 * MINUTE);
  assert.ok(unattended.isEnabled('123456789'), 'a running session keeps it on');
  ended();
  clock.advance(16 * MINUTE - 1);
  assert.ok(unattended.isEnabled('123456789'));
  clock.advance(1);
  assert.equal(unattended.isEnabled('123456789'), false);
  assert.deepEqual(unattended.list(), []);
});

test('after a reconnect the server list decides which accesses stay on', () => {
  const unattended = createUnattendedService({ clock: new TestClock(0), log });
  unattended.enable('111111111');
  unattended.keepOnly([]);
  assert.deepEqual(unattended.list(), []);
});

test('the service is on for one access at a time: a new access turns the older one off', async () => {
  const unattended = createUnattendedService({ clock: new TestClock(0), log });
  const gate = createOfferGate({ presence: fixedUserPresence('absent'), unattended });
  unattended.enable('111111111');
  unattended.enable('222222222');
  assert.deepEqual(
    unattended.list().map((access) => access.accessId),
    ['222222222'],
  );
  await assert.rejects(async () => gate(offer('111111111')), /not on for this access/);
  await gate(offer('222222222'));
});

test('turned off at the device, an access stays off until the server no longer lists it', () => {
  const unattended = createUnattendedService({ clock: new TestClock(0), log });
  unattended.enable('123456789');
  assert.equal(unattended.turnOffHere('987654321'), undefined, 'another access is not on');
  assert.deepEqual(unattended.turnOffHere('123456789'), ['123456789']);
  assert.equal(unattended.isEnabled('123456789'), false);
  assert.deepEqual(unattended.unreported(), ['123456789'], 'the server has to hear of it');

  // A server that has not yet heard of it lists it again after a reconnect: it stays off.
  unattended.keepOnly(['123456789']);
  assert.equal(unattended.enable('123456789'), false);
  assert.equal(unattended.isEnabled('123456789'), false);
  assert.deepEqual(unattended.unreported(), ['123456789']);

  // The server revoked it: nothing left to report, and a new access can be turned on.
  unattended.keepOnly([]);
  assert.deepEqual(unattended.unreported(), []);
  assert.equal(unattended.enable('555555555'), true);
  assert.deepEqual(unattended.turnOffHere(), ['555555555'], 'without an ID every access goes');
  assert.deepEqual(unattended.turnOffHere(), [], 'turning off twice is harmless');
});
