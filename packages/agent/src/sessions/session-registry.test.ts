import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { AppError, type AgentMessage, type SessionOffer } from '@tether/protocol/agent';
import { pino } from 'pino';
import { TestClock } from '@tether/protocol/agent';
import type { RunningSession } from './running-session.js';
import { createSessionRegistry, type SessionStarter } from './session-registry.js';

const log = pino({ level: 'silent' });

function offer(kind: SessionOffer['kind'] = 'terminal'): SessionOffer {
  const sessionId = randomUUID();
  return {
    type: 'session.offer',
    sessionId,
    kind,
    relayPath: `/relay/v1/${sessionId}`,
    token: randomBytes(32).toString('base64url'),
    technician: 'alice',
  };
}

/** A session that records why it was stopped. */
function fakeSession(sessionId: string, stops: string[]): RunningSession {
  let end = (): void => undefined;
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  return {
    sessionId,
    ended,
    stop(reason) {
      stops.push(reason);
      end();
      return ended;
    },
  };
}

test('a cancel that arrives while the session is connecting stops it once started', async () => {
  const stops: string[] = [];
  let finishStart = (): void => undefined;
  const starter: SessionStarter = (o) =>
    new Promise((resolve) => {
      finishStart = () => resolve(fakeSession(o.sessionId, stops));
    });
  const sessions = createSessionRegistry({
    serverUrl: 'https://x.test',
    log,
    clock: new TestClock(),
    starters: { terminal: starter },
  });
  const o = offer();
  sessions.offer(o, { tlsFingerprint: 'f', send: () => assert.fail('nothing to refuse') });
  sessions.cancel(o.sessionId, 'technician gave up');
  finishStart();
  await sessions.stopAll('agent stopping');
  assert.deepEqual(stops, ['technician gave up']);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sessions.size, 0);
});

test('a session that fails to start is refused with its AppError; unknown errors stay generic', async () => {
  const sent: AgentMessage[] = [];
  const sessions = createSessionRegistry({
    serverUrl: 'https://x.test',
    log,
    clock: new TestClock(),
    starters: {
      terminal: () => Promise.reject(new AppError('UNAVAILABLE', 'Cannot join the session relay.')),
      files: () => Promise.reject(new Error('/secret/path exploded')),
    },
  });
  const terminal = offer('terminal');
  const files = offer('files');
  sessions.offer(terminal, { tlsFingerprint: 'f', send: (m) => sent.push(m) });
  sessions.offer(files, { tlsFingerprint: 'f', send: (m) => sent.push(m) });
  await sessions.stopAll('test over');
  assert.deepEqual(sent, [
    {
      type: 'session.refused',
      sessionId: terminal.sessionId,
      error: { code: 'UNAVAILABLE', message: 'Cannot join the session relay.' },
    },
    {
      type: 'session.refused',
      sessionId: files.sessionId,
      error: {
        code: 'INTERNAL',
        message: 'The device could not start the session; see the agent log.',
      },
    },
  ]);
  assert.equal(sessions.size, 0);
});

test('the user at the device is told who joined and left a running session, and the list shows them', async () => {
  const notices: string[] = [];
  const sessions = createSessionRegistry({
    serverUrl: 'https://x.test',
    log,
    clock: new TestClock(),
    starters: { terminal: (o) => Promise.resolve(fakeSession(o.sessionId, [])) },
    notify: (notice) => notices.push(`${notice.state} ${notice.guest?.name ?? notice.technician}`),
  });
  const o = offer();
  sessions.offer(o, { tlsFingerprint: 'f', send: () => assert.fail('nothing to refuse') });
  await new Promise((resolve) => setImmediate(resolve));
  const guest = {
    type: 'session.participant',
    sessionId: o.sessionId,
    name: 'jo',
    isExternal: false,
    hasControl: false,
    invitedBy: 'alice',
  } as const;
  sessions.participant({ ...guest, state: 'joined' });
  assert.deepEqual(sessions.running()[0]?.guests, ['jo (view only)']);
  sessions.participant({ ...guest, state: 'left' });
  assert.deepEqual(sessions.running()[0]?.guests, []);
  assert.deepEqual(notices, ['started alice', 'joined jo', 'left jo']);
  await sessions.stopAll('done');
});
