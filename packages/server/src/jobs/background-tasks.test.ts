import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { AuditEvent } from '../audit/audit-log.js';
import { createLogger } from '../logging.js';
import { createBackgroundTasks } from './background-tasks.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

test('a failed background task is logged and audited, not left as an unhandled rejection', async () => {
  const { lines, log } = capture();
  const audited: AuditEvent[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const tasks = createBackgroundTasks({
      log,
      audit: { record: (event) => Promise.resolve(void audited.push(event)) },
    });
    tasks.run('push a device', () => Promise.reject(new Error('database is locked')), {
      deviceId: 'd-1',
    });
    tasks.run('throws before its promise', () => {
      throw new Error('synchronous failure');
    });
    await tasks.settled();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
    assert.deepEqual(
      audited
        .map((event) => [event.action, event.details?.task, event.details?.error])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      [
        ['server.task_failed', 'push a device', 'database is locked'],
        ['server.task_failed', 'throws before its promise', 'synchronous failure'],
      ],
    );
    assert.ok(
      lines.some((line) => line.includes('"deviceId":"d-1"') && line.includes('push a device')),
    );
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('when the audit log fails too, the failure is still logged and nothing is thrown', async () => {
  const { lines, log } = capture();
  const tasks = createBackgroundTasks({
    log,
    audit: { record: () => Promise.reject(new Error('store closed')) },
  });
  tasks.run('end a session', () => Promise.reject(new Error('store closed')));
  await tasks.settled();
  assert.ok(lines.some((line) => line.includes('background task failed: end a session')));
  assert.ok(lines.some((line) => line.includes('could not audit a failed background task')));
});
