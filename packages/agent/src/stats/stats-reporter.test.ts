import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentMessage, StatisticKind } from '@tether/protocol/agent';
import { pino } from 'pino';
import { TestClock } from '@tether/protocol/agent';
import { startStatsReporter, type LastStatsSample } from './stats-reporter.js';

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

test('back within the interval with the same statistics, the next sample comes when due, not at once', async () => {
  const clock = new TestClock();
  const sent: AgentMessage[] = [];
  const collector = { collect: () => Promise.resolve({ uptimeSec: 5 }) };
  const settings = { intervalSec: 10, enabled: ['uptime', 'cpu'] as StatisticKind[] };
  const last: LastStatsSample = {};
  const start = (enabled = settings.enabled) =>
    startStatsReporter({
      clock,
      collector,
      settings: { ...settings, enabled },
      send: (m) => sent.push(m),
      log,
      last,
    });
  let stop = start();
  await flush();
  assert.equal(sent.length, 1, 'the first connection sends at once');

  clock.advance(4_000);
  stop(); // the connection drops, and is back 2 s later
  clock.advance(2_000);
  stop = start(['cpu', 'uptime']);
  await flush();
  assert.equal(sent.length, 1, 'nothing at once: the last sample is 6 s old');
  clock.advance(3_999);
  await flush();
  assert.equal(sent.length, 1);
  clock.advance(1);
  await flush();
  assert.equal(sent.length, 2, 'due 10 s after the last one');
  clock.advance(10_000);
  await flush();
  assert.equal(sent.length, 3, 'then every interval');
  stop();
  assert.equal(clock.pendingTimers, 0);

  stop = start(['memory']);
  await flush();
  assert.equal(sent.length, 4, 'other statistics are sent at once');
  stop();
  clock.advance(10_000);
  stop = start(['memory']);
  await flush();
  assert.equal(sent.length, 5, 'and so is a sample older than the interval');
  stop();
});
