import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol';
import type { AuditEvent } from './audit-log.js';
import { createRefusalTally } from './refusal-tally.js';

function setUp(): {
  written: AuditEvent[];
  tally: ReturnType<typeof createRefusalTally>;
  advance: (ms: number) => void;
} {
  const clock = new TestClock(Date.UTC(2026, 0, 1));
  const written: AuditEvent[] = [];
  const tally = createRefusalTally({
    clock,
    windowMs: 60_000,
    write: (event) => {
      written.push(event);
      return Promise.resolve();
    },
  });
  return { written, tally, advance: (ms) => clock.advance(ms) };
}

const refusal = (sourceAddress: string, action: AuditEvent['action'] = 'relay.refused') => ({
  action,
  actor: sourceAddress,
  sourceAddress,
});

test('the first refusal per source and kind is written, the rest only counted', async () => {
  const { written, tally } = setUp();
  for (let i = 0; i < 100; i++) await tally.refused(refusal('10.0.0.1'));
  await tally.refused(refusal('10.0.0.2'));
  await tally.refused(refusal('10.0.0.1', 'device.auth_failed'));
  assert.deepEqual(
    written.map((event) => `${event.action} ${event.sourceAddress}`),
    ['relay.refused 10.0.0.1', 'relay.refused 10.0.0.2', 'device.auth_failed 10.0.0.1'],
  );
});

test('a summary with the count is written once the window is over, not before', async () => {
  const { written, tally, advance } = setUp();
  for (let i = 0; i < 10; i++) await tally.refused(refusal('10.0.0.1'));
  await tally.refused(refusal('10.0.0.2'));
  advance(59_000);
  await tally.flushDue();
  assert.equal(written.length, 2, 'the window is not over yet');
  advance(1_000);
  await tally.flushDue();
  const summaries = written.filter((event) => event.action === 'refusals.summary');
  assert.equal(summaries.length, 1, 'a source refused once gets no summary');
  const [summary] = summaries;
  assert.ok(summary);
  assert.equal(summary.sourceAddress, '10.0.0.1');
  assert.deepEqual(summary.details, {
    action: 'relay.refused',
    count: 9,
    since: '2026-01-01T00:00:00.000Z',
    until: '2026-01-01T00:01:00.000Z',
  });
  await tally.refused(refusal('10.0.0.1'));
  assert.equal(written.at(-1)?.action, 'relay.refused', 'a new window starts with a full row');
});

test('at shutdown every pending count is written', async () => {
  const { written, tally } = setUp();
  for (let i = 0; i < 3; i++) await tally.refused(refusal('10.0.0.1'));
  await tally.flushAll();
  assert.equal(written.at(-1)?.details?.count, 2);
});

test('refusals are counted per reason and, when asked, per target', async () => {
  const { written, tally, advance } = setUp();
  const signIn = (reason: string) => ({
    action: 'auth.login_failed' as const,
    actor: 'admin',
    sourceAddress: '10.0.0.1',
    details: { reason },
  });
  for (let i = 0; i < 5; i++)
    await tally.refused(signIn('rate limited'), { reason: 'rate limited' });
  for (let i = 0; i < 3; i++) await tally.refused(signIn('server busy'), { reason: 'server busy' });
  const throttled = (target: string) => ({
    ...refusal('10.0.0.1', 'unattended.throttled'),
    target,
  });
  for (const target of ['device-a', 'device-a', 'device-b'])
    await tally.refused(throttled(target), { isPerTarget: true });
  assert.deepEqual(
    written.map((event) => `${event.action} ${event.target ?? String(event.details?.reason)}`),
    [
      'auth.login_failed rate limited',
      'auth.login_failed server busy',
      'unattended.throttled device-a',
      'unattended.throttled device-b',
    ],
    'the first of each reason and target is written at once',
  );
  advance(60_000);
  await tally.flushDue();
  const summaries = written
    .filter((event) => event.action === 'refusals.summary')
    .map((event) => ({
      target: event.target,
      reason: event.details?.reason,
      count: event.details?.count,
    }));
  assert.deepEqual(
    summaries.sort((a, b) => Number(b.count) - Number(a.count)),
    [
      { target: null, reason: 'rate limited', count: 4 },
      { target: null, reason: 'server busy', count: 2 },
      { target: 'device-a', reason: undefined, count: 1 },
    ],
  );
});

test('a flood from many sources stays within the tally bound and is still counted', async () => {
  const { written, tally, advance } = setUp();
  for (let i = 0; i < 12_000; i++)
    await tally.refused(refusal(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`));
  assert.equal(written.length, 10_001, 'one row per tracked source, then one for the rest');
  assert.equal(written.at(-1)?.sourceAddress, '10.0.39.16');
  advance(60_000);
  await tally.flushDue();
  const overflow = written.find(
    (event) => event.action === 'refusals.summary' && event.sourceAddress === '*',
  );
  assert.equal(overflow?.details?.count, 1_999);
});
