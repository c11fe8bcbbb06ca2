import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TestClock } from '@tether/protocol';
import type { AuditEvent } from '../audit/audit-log.js';
import { createLogger } from '../logging.js';
import { DeliveryFailure } from './channels.js';
import { Deliveries } from './deliveries.js';

const notification = { kind: 'server.error', subject: 'Backup failed', text: '…' } as const;

function setUp(outcomes: (string | Error)[]) {
  const clock = new TestClock(Date.parse('2026-12-06T18:00:00Z'));
  const audited: AuditEvent[] = [];
  const attemptsAt: number[] = [];
  const deliveries = new Deliveries({
    clock,
    log: createLogger({ level: 'silent' }),
    audit: { record: (event) => Promise.resolve(void audited.push(event)) },
    retry: { baseMs: 30_000, maxMs: 120_000, attempts: 4 },
    // The whole ceiling each time: the delays are exact.
    random: () => 1,
  });
  deliveries.start(notification, {
    channel: 'webhook',
    recipient: 'ops-hook',
    send: () => {
      attemptsAt.push(clock.now().getTime());
      const outcome = outcomes.shift() ?? new DeliveryFailure('HTTP 503');
      return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    },
  });
  const advance = async (ms: number) => {
    clock.advance(ms);
    await deliveries.settled();
  };
  return { clock, deliveries, audited, attemptsAt, advance };
}

describe('notification deliveries', () => {
  it('retry after 30 s, 60 s, then 120 s (capped), and the record shows each step', async () => {
    const { deliveries, attemptsAt, advance } = setUp([
      new DeliveryFailure('HTTP 503'),
      new DeliveryFailure('HTTP 502'),
      'HTTP 204',
    ]);
    await deliveries.settled();
    const [first] = deliveries.log.list();
    assert.equal(first?.status, 'retrying');
    assert.equal(first.lastError, 'HTTP 503');
    assert.equal(first.nextAttemptAt, '2026-12-06T18:00:30.000Z');
    await advance(29_999);
    assert.equal(attemptsAt.length, 1, 'not before its time');
    await advance(1);
    assert.equal(attemptsAt.length, 2);
    assert.equal(deliveries.log.list()[0]?.nextAttemptAt, '2026-12-06T18:01:30.000Z');
    await advance(60_000);
    const [done] = deliveries.log.list();
    assert.equal(done?.status, 'delivered');
    assert.equal(done.attempts, 3);
    assert.equal(done.lastError, 'HTTP 502', 'the failure before success stays visible');
    assert.deepEqual(
      attemptsAt.map((at) => (at - (attemptsAt[0] ?? 0)) / 1000),
      [0, 30, 90],
    );
  });

  it('fail for good after the last attempt, audited once with the last error', async () => {
    const { deliveries, audited, advance } = setUp([]);
    await deliveries.settled();
    for (const ms of [30_000, 60_000, 120_000]) await advance(ms);
    const [record] = deliveries.log.list();
    assert.equal(record?.status, 'failed');
    assert.equal(record.attempts, 4);
    assert.equal(record.nextAttemptAt, null);
    assert.equal(audited.length, 1);
    const [event] = audited;
    assert.equal(event?.action, 'notification.failed');
    assert.equal(event.target, 'ops-hook');
    assert.deepEqual(event.details, {
      kind: 'server.error',
      subject: 'Backup failed',
      channel: 'webhook',
      attempts: 4,
      error: 'HTTP 503',
    });
    await advance(3_600_000);
    assert.equal(deliveries.log.list()[0]?.attempts, 4, 'nothing after the last attempt');
  });

  it('stop cancels the retries still waiting', async () => {
    const { deliveries, attemptsAt, advance } = setUp([]);
    await deliveries.settled();
    await deliveries.stop();
    await advance(3_600_000);
    assert.equal(attemptsAt.length, 1);
  });
});
