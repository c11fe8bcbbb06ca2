import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { TestClock } from '@tether/protocol/agent';
import { createBackoff } from './backoff.js';
import type { ControlClosed, ControlConnection } from './control-connection.js';
import { startControlLoop } from './control-loop.js';

/** Connections that end as each test says, in order. */
function scriptedConnections(endings: ControlClosed[]) {
  let opened = 0;
  const open = (): ControlConnection => {
    const ending = endings[opened++] ?? new Promise<never>(() => undefined);
    return { send: () => undefined, close: () => undefined, closed: Promise.resolve(ending) };
  };
  return { open, opened: () => opened };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('an agent told to wait by the server comes back when told, without counting a failure', async () => {
  const clock = new TestClock();
  const backoff = createBackoff({ random: () => 0.5 });
  const deferred: ControlClosed = {
    code: 1006,
    reason: '',
    wasWelcomed: false,
    retryAfterMs: 4000,
  };
  const refused: ControlClosed = { code: 1006, reason: '', wasWelcomed: false };
  const connections = scriptedConnections([deferred, refused]);
  const loop = startControlLoop({
    clock,
    backoff,
    log: pino({ level: 'silent' }),
    openConnection: connections.open,
    onConnectionChange: () => undefined,
  });
  await flush();
  assert.deepEqual(
    clock.pendingDelays(),
    [4500],
    'the wait asked for, plus jitter (here half of its one second)',
  );
  assert.equal(backoff.attempts, 0, 'being told to wait is not a failed attempt');
  clock.advance(4500);
  assert.equal(connections.opened(), 2);
  await flush();
  assert.deepEqual(clock.pendingDelays(), [250], 'a plain failure takes the backoff again');
  await loop.stop();
});
