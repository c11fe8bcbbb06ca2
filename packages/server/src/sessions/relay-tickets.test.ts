import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { AppError } from '@tether/protocol';
import { createLogger } from '../logging.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { RelayTickets } from './relay-tickets.js';

const refusal = (code: string, pattern: RegExp) => (error: unknown) =>
  error instanceof AppError && error.code === code && pattern.test(error.message);

let store: Store;
beforeEach(async () => {
  store = await openStore('sqlite::memory:');
});
afterEach(() => store.close());

const ticketsAt = (clock: TestClock): RelayTickets =>
  new RelayTickets({ store, clock, log: createLogger({ level: 'silent' }) }, 60_000);

test('a relay token admits its end of its session exactly once', async () => {
  const tickets = ticketsAt(new TestClock(0));
  const sessionId = randomUUID();
  const console = await tickets.issue(sessionId, 'console');
  const agent = await tickets.issue(sessionId, 'agent');
  assert.equal(await tickets.redeem(sessionId, agent.token), 'agent');
  assert.equal(await tickets.redeem(sessionId, console.token), 'console');
  await assert.rejects(
    tickets.redeem(sessionId, console.token),
    refusal('TOKEN_INVALID', /already used/),
  );
});

test('a relay token used twice at the same moment admits exactly one end', async () => {
  const tickets = ticketsAt(new TestClock(0));
  const sessionId = randomUUID();
  const { token } = await tickets.issue(sessionId, 'console');
  const results = await Promise.allSettled([
    tickets.redeem(sessionId, token),
    tickets.redeem(sessionId, token),
  ]);
  assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
});

test('a relay token expires after its TTL and is useless for another session', async () => {
  const clock = new TestClock(0);
  const tickets = ticketsAt(clock);
  const sessionId = randomUUID();
  const ticket = await tickets.issue(sessionId, 'console');
  await assert.rejects(
    tickets.redeem(randomUUID(), ticket.token),
    refusal('TOKEN_INVALID', /not valid/),
  );
  clock.advance(60_000);
  await assert.rejects(
    tickets.redeem(sessionId, ticket.token),
    refusal('TOKEN_EXPIRED', /expired/),
  );
});

test('ending a session revokes its unused tokens, saying the session ended', async () => {
  const tickets = ticketsAt(new TestClock(0));
  const sessionId = randomUUID();
  const used = await tickets.issue(sessionId, 'agent');
  const ticket = await tickets.issue(sessionId, 'console');
  await tickets.redeem(sessionId, used.token);
  await tickets.revokeSession(sessionId);
  await assert.rejects(
    tickets.redeem(sessionId, ticket.token),
    refusal('SESSION_ENDED', /already ended/),
  );
  await assert.rejects(
    tickets.redeem(sessionId, used.token),
    refusal('TOKEN_INVALID', /already used/),
  );
});

test('a guest’s token names its guest without being used', async () => {
  const tickets = ticketsAt(new TestClock(0));
  const sessionId = randomUUID();
  const { token } = await tickets.issue(sessionId, 'guest', 'guest-1');
  assert.equal(await tickets.guestOf(sessionId, token), 'guest-1');
  assert.equal(await tickets.guestOf(randomUUID(), token), undefined);
  assert.deepEqual(await tickets.redeemTicket(sessionId, token), {
    role: 'guest',
    guestId: 'guest-1',
  });
});
