import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock, type DeviceStats } from '@tether/protocol';
import { createLogger } from '../logging.js';
import type { Store } from '../store/store.js';
import { DeviceEvents, type DeviceEvent } from './device-events.js';
import { MAX_STATS_WRITES, createStatsReporter } from './stats-reporter.js';
import { createUserPresenceReporter } from './user-presence-reporter.js';

const SAMPLE: DeviceStats = { cpuPercent: 12.5, uptimeSec: 86_400 };

function recorded(events: DeviceEvents): DeviceEvent[] {
  const seen: DeviceEvent[] = [];
  events.onAny((event) => seen.push(event));
  return seen;
}

test('typed subscribers get only the kind they asked for, with its payload', () => {
  const events = new DeviceEvents();
  const offline: string[] = [];
  const stop = events.on('offline', ({ deviceId }) => offline.push(deviceId));
  events.emit({ type: 'online', deviceId: 'a' });
  events.emit({ type: 'offline', deviceId: 'b' });
  stop();
  events.emit({ type: 'offline', deviceId: 'c' });
  assert.deepEqual(offline, ['b']);
});

test('a statistics sample is stored, then announced with its values', async () => {
  const stored: unknown[] = [];
  const store = {
    devices: { updateStats: (...args: unknown[]) => Promise.resolve(void stored.push(args)) },
  } as unknown as Store;
  const events = new DeviceEvents();
  const seen = recorded(events);
  const clock = new TestClock(Date.UTC(2026, 0, 1));
  const stats = createStatsReporter({
    deviceId: 'd1',
    store,
    clock,
    events,
    log: createLogger({ level: 'silent' }),
  });
  await stats.report(SAMPLE);
  assert.deepEqual(stored, [['d1', SAMPLE, clock.now()]]);
  assert.deepEqual(seen, [{ type: 'stats', deviceId: 'd1', stats: SAMPLE }]);
});

test('a sample still being stored when its connection closes is not announced', async () => {
  let finishWrite = (): void => undefined;
  const store = {
    devices: {
      updateStats: () => new Promise<void>((resolve) => (finishWrite = resolve)),
    },
  } as unknown as Store;
  const events = new DeviceEvents();
  const seen = recorded(events);
  const stats = createStatsReporter({
    deviceId: 'd1',
    store,
    clock: new TestClock(),
    events,
    log: createLogger({ level: 'silent' }),
  });
  const reporting = stats.report(SAMPLE);
  stats.dispose();
  finishWrite();
  await reporting;
  assert.deepEqual(seen, []);
});

test('user presence belongs to its connection: kept and announced while open, ignored after', () => {
  const events = new DeviceEvents();
  const seen = recorded(events);
  const presence = createUserPresenceReporter({ deviceId: 'd1', events });
  assert.equal(presence.current, undefined);
  const report = { loggedIn: true, screenLocked: false, user: 'alice' };
  presence.report(report);
  assert.deepEqual(presence.current, report);
  presence.dispose();
  presence.report({ loggedIn: false, screenLocked: false, user: null });
  assert.deepEqual(presence.current, report);
  assert.deepEqual(seen, [{ type: 'user-presence', deviceId: 'd1', presence: report }]);
});

test('samples over the limit of writes in flight are dropped, so a storm cannot fill the database pool with them', async () => {
  const waiting: (() => void)[] = [];
  const store = {
    devices: {
      updateStats: () => new Promise<void>((resolve) => waiting.push(resolve)),
    },
  } as unknown as Store;
  const events = new DeviceEvents();
  const seen = recorded(events);
  const reporters = Array.from({ length: MAX_STATS_WRITES + 3 }, (_, index) =>
    createStatsReporter({
      deviceId: `d${index}`,
      store,
      clock: new TestClock(Date.UTC(2026, 0, 1)),
      events,
      log: createLogger({ level: 'silent' }),
    }),
  );
  const reports = reporters.map((stats) => stats.report(SAMPLE));
  assert.equal(waiting.length, MAX_STATS_WRITES, 'the others are dropped, not queued');
  for (const finish of waiting) finish();
  await Promise.all(reports);
  assert.equal(seen.length, MAX_STATS_WRITES);
  // Once the writes are done, the next samples are written again.
  const next = reporters[0]?.report(SAMPLE);
  assert.equal(waiting.length, MAX_STATS_WRITES + 1);
  waiting.at(-1)?.();
  await next;
});
