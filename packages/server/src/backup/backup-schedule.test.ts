import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { backupFileName, listBackups, pruneBackups } from './backup-files.js';
import { nextRunAt, type StoredSchedule } from './backup-schedule.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const base: StoredSchedule = {
  enabled: true,
  every: { kind: 'interval', hours: 6 },
  keep: {},
  includeRecordings: false,
  savedAt: '2026-12-06T10:15:00.000Z',
};

test('the next scheduled backup: N hours after the last run (or the save), or the next daily time', () => {
  assert.equal(nextRunAt({ ...base, enabled: false }, {}), undefined);
  assert.equal(nextRunAt(base, {})?.toISOString(), '2026-12-06T16:15:00.000Z');
  assert.equal(
    nextRunAt(base, { lastRunAt: '2026-12-06T20:00:00.000Z' })?.toISOString(),
    '2026-12-07T02:00:00.000Z',
  );
  const daily = { ...base, every: { kind: 'daily', time: '02:30' } } as const;
  assert.equal(nextRunAt(daily, {})?.toISOString(), '2026-12-07T02:30:00.000Z');
  const later = { ...daily, every: { kind: 'daily', time: '23:00' } } as const;
  assert.equal(nextRunAt(later, {})?.toISOString(), '2026-12-06T23:00:00.000Z');
  assert.equal(
    nextRunAt(later, { lastRunAt: '2026-12-06T23:00:00.000Z' })?.toISOString(),
    '2026-12-07T23:00:00.000Z',
    'the run of today counts: the next is tomorrow',
  );
});

test('retention keeps the newest N and those younger than D days, never a manual backup', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-prune-'));
  try {
    const now = new Date('2026-12-06T12:00:00.000Z');
    const names = [0, 1, 2, 3, 10].map((days) =>
      backupFileName(new Date(now.getTime() - days * DAY), 'scheduled', days === 2),
    );
    const manual = backupFileName(new Date(now.getTime() - 30 * DAY), 'manual', false);
    for (const name of [...names, manual, 'notes.txt']) await writeFile(join(dir, name), 'x');
    const listed = await listBackups(dir);
    assert.deepEqual(
      listed.map((file) => file.name),
      [...names, manual],
    );
    const withRecordings = listed[2];
    assert.ok(withRecordings);
    assert.equal(withRecordings.includesRecordings, true);
    assert.equal(withRecordings.createdAt, new Date(now.getTime() - 2 * DAY).toISOString());

    const removed = await pruneBackups({ directory: dir, keep: { days: 5 }, now, justWritten: '' });
    assert.deepEqual(removed, [names[4]]);
    const byCount = await pruneBackups({
      directory: dir,
      keep: { count: 2 },
      now,
      justWritten: names[0] ?? '',
    });
    assert.deepEqual(byCount, [names[2], names[3]]);
    assert.deepEqual((await readdir(dir)).sort(), [names[0], names[1], manual, 'notes.txt'].sort());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
