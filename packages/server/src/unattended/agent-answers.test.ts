import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError, TestClock } from '@tether/protocol';
import { DevicePresence } from '../devices/device-presence.js';
import { AgentAnswers } from './agent-answers.js';

test('an agent that does not confirm in time fails the wait when the clock passes the limit', async () => {
  const clock = new TestClock();
  const answers = new AgentAnswers(new DevicePresence(), {
    clock,
    timeoutMs: 10_000,
  });
  let sent = 0;
  const waiting = answers.ask('device-1', 'access-1', () => sent++);
  assert.equal(sent, 1);
  clock.advance(9_999);
  assert.equal(clock.pendingTimers, 1, 'still waiting just before the limit');
  clock.advance(1);
  await assert.rejects(waiting, (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'UNAVAILABLE');
    assert.match(error.message, /did not confirm within 10 s/);
    return true;
  });
});

test('an answer within the limit resolves the wait and cancels its timer', async () => {
  const clock = new TestClock();
  const answers = new AgentAnswers(new DevicePresence(), {
    clock,
    timeoutMs: 10_000,
  });
  const waiting = answers.ask('device-1', 'access-1', () => undefined);
  answers.settle('device-1', 'access-1', undefined);
  await waiting;
  assert.equal(clock.pendingTimers, 0);
});

test('a device that goes offline fails its waits at once, and only its own', async () => {
  const clock = new TestClock();
  const presence = new DevicePresence();
  const answers = new AgentAnswers(presence, { clock, timeoutMs: 10_000 });
  const gone = answers.ask('device-1', 'access-1', () => undefined);
  const other = answers.ask('device-2', 'access-2', () => undefined);
  presence.events.emit({ type: 'offline', deviceId: 'device-1' });
  await assert.rejects(
    gone,
    (error: unknown) => error instanceof AppError && error.code === 'DEVICE_OFFLINE',
  );
  answers.settle('device-2', 'access-2', undefined);
  await other;
});
