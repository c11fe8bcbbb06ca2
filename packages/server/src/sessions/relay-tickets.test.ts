import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { AppError } from '@tether/protocol';
import { RelayTickets } from './relay-tickets.js';

const refusal = (code: string, pattern: RegExp) => (error: unknown) =>
  error instanceof AppError && error.code === code && pattern.test(error.message);

test('a relay token admits its end of its session exactly once', () => {
  const tickets = new RelayTickets(new TestClock(0), 60_000);
  const sessionId = randomUUID();
  const console = tickets.issue(sessionId, 'console');
  const agent = tickets.issue(sessionId, 'agent');
  assert.equal(tickets.redeem(sessionId, agent.token), 'agent');
  assert.equal(tickets.redeem(sessionId, console.token), 'console');
  assert.throws(
    () => tickets.redeem(sessionId, console.token),
    refusal('TOKEN_INVALID', /already used/),
  );
});

test('a relay token expires after its TTL and is useless for another session', () => {
  const clock = new TestClock(0);
  const tickets = new RelayTickets(clock, 60_000);
  const sessionId = randomUUID();
  const ticket = tickets.issue(sessionId, 'console');
  assert.throws(
    () => tickets.redeem(randomUUID(), ticket.token),
    refusal('TOKEN_INVALID', /not valid/),
  );
  clock.advance(60_000);
  assert.throws(() => tickets.redeem(sessionId, ticket.token), refusal('TOKEN_EXPIRED', /expired/));
});

test('ending a session revokes its unused tokens, saying the session ended', () => {
  const tickets = new RelayTickets(new TestClock(0), 60_000);
  const sessionId = randomUUID();
  const used = tickets.issue(sessionId, 'agent');
  const ticket = tickets.issue(sessionId, 'console');
  tickets.redeem(sessionId, used.token);
  tickets.revokeSession(sessionId);
  assert.throws(
    () => tickets.redeem(sessionId, ticket.token),
    refusal('SESSION_ENDED', /already ended/),
  );
  assert.throws(
    () => tickets.redeem(sessionId, used.token),
    refusal('TOKEN_INVALID', /already used/),
  );
});
