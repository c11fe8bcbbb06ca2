import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentMessage, StatisticKind } from '@tether/protocol/agent';
import { pino } from 'pino';
import { TestClock } from '@tether/protocol/agent';
import { startStatsReporter } from './stats-reporter.js';

const log = pino({ level: 'silent' });
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('sends a sample at once and then every interval, until stopped', async () => {
  const clock = new TestClock();
  const sent: AgentMessage[] = [];
  const asked: StatisticKind[][] = [];
  const collector = {
    collect: (enabled: readonly StatisticKind[]) => {
      asked.push([...enabled]);
      return Promise.resolve({ uptimeSec: 5 });
    },
  };
  const stop = startStatsReporter({
    clock,
    collector,
    settings: { intervalSec: 10, enabled: ['uptime'] },
    send: (m) => sent.push(m),
    log,
  });
  await flush();
  assert.equal(sent.length, 1);
  clock.advance(9_999);
  await flush();
  assert.equal(sent.length, 1);
  clock.advance(1);
  await flush();
  assert.deepEqual(sent[1], { type: 'stats', stats: { uptimeSec: 5 } });
  assert.deepEqual(asked, [['uptime'], ['uptime']]);
  stop();
  assert.equal(clock.pendingTimers, 0);
  clock.advance(60_000);
  await flush();
  assert.equal(sent.length, 2);
});

test('sends nothing when no statistic is enabled', () => {
  const clock = new TestClock();
  const stop = startStatsReporter({
    clock,
    collector: { collect: () => Promise.reject(new Error('must not be called')) },
    settings: { intervalSec: 10, enabled: [] },
    send: () => assert.fail('nothing to send'),
    log,
  });
  assert.equal(clock.pendingTimers, 0);
  stop();
});
