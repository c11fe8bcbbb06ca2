import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TestClock } from '@tether/protocol';
import {
  encodeFileData,
  encodeFileMessage,
  type AuditAction,
  type FileReply,
} from '@tether/protocol';
import { createFilesRecorder } from './files-recorder.js';
import { readFilesTimeline } from './files-timeline-reader.js';
import { openFilesTimelineWriter } from './files-timeline-writer.js';

const SHA = 'a'.repeat(64);

test('transfers, refusals and cut transfers reach the timeline and the audit log', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-files-rec-'));
  try {
    const clock = new TestClock(1000);
    const file = join(dir, 'session.files.jsonl');
    const writer = await openFilesTimelineWriter({
      file,
      header: { format: 'tether-files-v1', startedAt: new Date(0).toISOString(), title: 't' },
      clock,
    });
    const audited: [AuditAction, Record<string, unknown>][] = [];
    const recorder = createFilesRecorder({ writer, audit: (a, d) => audited.push([a, d]) });
    const reply = (message: FileReply): void => recorder.tap.fromAgent(encodeFileMessage(message));
    reply({ type: 'ready', id: 1, op: 'upload', path: '/r/a.bin', offset: 0, size: 3 });
    recorder.tap.fromConsole(encodeFileData({ id: 1, offset: 0, data: new Uint8Array(3) }));
    clock.advance(500);
    reply({ type: 'done', id: 1, op: 'upload', path: '/r/a.bin', size: 3, sha256: SHA });
    reply({ type: 'error', id: 2, op: 'list', path: '/etc', code: 'refused', message: 'outside' });
    reply({ type: 'ready', id: 3, op: 'download', path: '/r/b.bin', offset: 10, size: 100 });
    recorder.tap.fromAgent(encodeFileData({ id: 3, offset: 10, data: new Uint8Array(20) }));
    recorder.finish();
    const summary = await writer.close();

    assert.deepEqual(
      audited.map(([action, details]) => [action, details.path, details.size ?? null]),
      [
        ['file.uploaded', '/r/a.bin', 3],
        ['file.refused', '/etc', null],
        ['file.transfer_failed', '/r/b.bin', 30],
      ],
    );
    assert.equal(audited[0]?.[1].sha256, SHA);
    const content = await readFilesTimeline(file);
    assert.equal(content.intact, true);
    assert.equal(content.durationMs, 500);
    assert.ok(summary.sizeBytes > 0);
    const outcomes = content.text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => (JSON.parse(line) as { outcome: string }).outcome);
    assert.deepEqual(outcomes, ['started', 'done', 'refused', 'started', 'interrupted']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
