import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TestClock } from '@tether/protocol';
import { openRfbRecordingWriter } from './rfb-recording-writer.js';
import { readRfbRecording } from './rfb-recording-reader.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tether-rfb-recording-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

const header = {
  format: 'tether-rfb-v1' as const,
  startedAt: '2026-01-01T00:00:00.000Z',
  title: 't',
};

test('bytes are recorded with their time and read back exactly', async () => {
  const clock = new TestClock(1000);
  const file = join(dir, 'a.rfb.jsonl');
  const writer = await openRfbRecordingWriter({ file, header, clock });
  writer.output(Buffer.from('RFB 003.008\n'));
  clock.advance(500);
  writer.output(Uint8Array.from([0, 255, 1, 2]));
  const summary = await writer.close();
  assert.equal(summary.durationMs, 500);
  const content = await readRfbRecording(file);
  assert.equal(content.intact, true);
  assert.equal(content.durationMs, 500);
  const events = content.text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => JSON.parse(line) as [number, string]);
  assert.deepEqual(
    events.map(([t, data]) => [t, Buffer.from(data, 'base64').toString('hex')]),
    [
      [0, Buffer.from('RFB 003.008\n').toString('hex')],
      [500, '00ff0102'],
      [500, ''],
    ],
  );
  assert.equal(summary.sizeBytes, (await readFile(file)).length);
});

test('a still screen at the end still counts: the recording lasts until it was closed', async () => {
  const clock = new TestClock(0);
  const file = join(dir, 'still.rfb.jsonl');
  const writer = await openRfbRecordingWriter({ file, header, clock });
  writer.output(Buffer.from('first frame'));
  clock.advance(8000); // nothing changed on the screen for eight seconds
  const summary = await writer.close();
  const content = await readRfbRecording(file);
  assert.equal(summary.durationMs, 8000);
  assert.equal(content.durationMs, 8000);
  assert.equal(content.intact, true);
  assert.deepEqual(JSON.parse(content.text.trim().split('\n').at(-1) ?? ''), [8000, '']);
});

test('a line torn by a crash is dropped and the recording marked not intact', async () => {
  const file = join(dir, 'b.rfb.jsonl');
  const writer = await openRfbRecordingWriter({ file, header, clock: new TestClock(0) });
  writer.output(Buffer.from('kept'));
  await writer.close();
  await appendFile(file, '[12,"dG9y');
  const content = await readRfbRecording(file);
  assert.equal(content.intact, false);
  assert.equal(
    content.text.trim().split('\n').length,
    3,
    'the header, the synced event and the end remain',
  );
});

test('a recording edited after the fact fails its hash chain', async () => {
  const file = join(dir, 'c.rfb.jsonl');
  const writer = await openRfbRecordingWriter({ file, header, clock: new TestClock(0) });
  writer.output(Buffer.from('screen'));
  await writer.close();
  assert.equal((await readRfbRecording(file)).intact, true);
  const text = await readFile(file, 'utf8');
  await writeFile(
    file,
    text.replace(
      Buffer.from('screen').toString('base64'),
      Buffer.from('sCreen').toString('base64'),
    ),
  );
  assert.equal((await readRfbRecording(file)).intact, false);
});
