import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';
import { createLogger } from '../logging.js';
import { forwardAgentReplies, type AgentReplyHandlers } from './agent-replies.js';
import { singleNode } from './cluster.js';
import { MemoryClusterGroup } from './memory-cluster.js';

const log = createLogger({ level: 'silent' });

/** Handlers that write down what they were called with. */
function recording(): { calls: string[]; handlers: AgentReplyHandlers } {
  const calls: string[] = [];
  return {
    calls,
    handlers: {
      onSessionRefused: (deviceId, sessionId, error) =>
        calls.push(`refused ${deviceId} ${sessionId} ${error.code}`),
      onConsentPending: (deviceId, sessionId, expiresAt) =>
        calls.push(`consent ${deviceId} ${sessionId} ${expiresAt.getTime()}`),
      onUnattendedReply: (deviceId, reply) =>
        calls.push(`unattended ${deviceId} ${reply.accessId}`),
      onOemReply: (deviceId, reply) => calls.push(`oem ${deviceId} ${reply.requestId}`),
      onWakeOnLanSent: (deviceId, reply) => calls.push(`wake ${deviceId} ${reply.requestId}`),
      onDisconnected: (deviceId) => calls.push(`disconnected ${deviceId}`),
    },
  };
}

test('an agent answer on node A is handled on A and on every other node, once each', async () => {
  const group = new MemoryClusterGroup();
  const [a, b, c] = [recording(), recording(), recording()];
  const onA = forwardAgentReplies(
    group.join('a', () => 'https://a'),
    a.handlers,
    log,
  );
  forwardAgentReplies(
    group.join('b', () => 'https://b'),
    b.handlers,
    log,
  );
  forwardAgentReplies(
    group.join('c', () => 'https://c'),
    c.handlers,
    log,
  );
  const sessionId = '7d3c0b8e-61a9-4f8e-9a57-9f3b3f0c2a11';
  onA.onConsentPending('d1', sessionId, new Date(1_000));
  onA.onSessionRefused('d1', sessionId, { code: 'CONSENT_DENIED', message: 'No.' });
  onA.onDisconnected('d1');
  await delay(20);
  const expected = [
    `consent d1 ${sessionId} 1000`,
    `refused d1 ${sessionId} CONSENT_DENIED`,
    'disconnected d1',
  ];
  assert.deepEqual(a.calls, expected);
  assert.deepEqual(b.calls, expected);
  assert.deepEqual(c.calls, expected);
});

test('a single node keeps its handlers as they are', () => {
  const { handlers } = recording();
  const cluster = singleNode({ url: () => 'https://a', version: '1', now: () => new Date() });
  assert.equal(forwardAgentReplies(cluster, handlers, log), handlers);
});
