import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { watchAccessWindow } from './access-window-watch.js';

const closesAt = new Date('2026-03-30T16:00:00Z');

test('a running session is warned before its window closes, then ended when it closes', (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const clock = new TestClock(new Date('2026-03-30T15:50:00Z'));
  const events: string[] = [];
  const watch = watchAccessWindow(
    { closesAt, warnBeforeSec: 300, endAtClose: true, description: 'Mon–Fri 08:00–18:00' },
    {
      clock,
      checkEveryMs: 1000,
      onWarn: (left) => events.push(`warn ${left}`),
      onClose: () => events.push('close'),
    },
  );
  try {
    t.mock.timers.tick(1000);
    assert.deepEqual(events, [], 'ten minutes before the close nothing happens');
    clock.advance(5 * 60_000);
    t.mock.timers.tick(1000);
    assert.deepEqual(events, ['warn 300']);
    clock.advance(5 * 60_000);
    t.mock.timers.tick(1000);
    t.mock.timers.tick(1000);
    assert.deepEqual(events, ['warn 300', 'close'], 'warned once, closed once');
  } finally {
    watch.stop();
  }
});

test('with endAtClose off the session is only warned', (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const clock = new TestClock(new Date('2026-03-30T15:59:00Z'));
  const events: string[] = [];
  const watch = watchAccessWindow(
    { closesAt, warnBeforeSec: 300, endAtClose: false, description: 'Mon–Fri 08:00–18:00' },
    {
      clock,
      checkEveryMs: 1000,
      onWarn: (left) => events.push(`warn ${left}`),
      onClose: () => events.push('close'),
    },
  );
  try {
    assert.deepEqual(
      events,
      ['warn 60'],
      'a session started inside the warning time is warned at once',
    );
    clock.advance(2 * 60_000);
    t.mock.timers.tick(1000);
    assert.deepEqual(events, ['warn 60']);
  } finally {
    watch.stop();
  }
});
