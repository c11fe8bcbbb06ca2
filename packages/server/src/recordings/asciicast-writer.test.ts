import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TestClock } from '@tether/protocol';
import { readAsciicast } from './asciicast-reader.js';
import { openAsciicastWriter, type AsciicastWriterOptions } from './asciicast-writer.js';
import { chainFileOf } from './hash-chain.js';

const bytes = (...parts: (string | number[])[]): Uint8Array[] =>
  parts.map((part) =>
    typeof part === 'string' ? new TextEncoder().encode(part) : new Uint8Array(part),
  );

describe('asciicast writer and reader', () => {
  let dir = '';
  let clock = new TestClock(0);
  const options = (extra: Partial<AsciicastWriterOptions> = {}): AsciicastWriterOptions => ({
    file: join(dir, 'session.cast'),
    width: 80,
    height: 24,
    startedAt: new Date('2025-03-01T10:00:00Z'),
    title: 'alice on web-01',
    clock,
    ...extra,
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-cast-'));
    clock = new TestClock(10_000);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Records output with split UTF-8 sequences and resizes, then closes. */
  async function recordSample(): Promise<{ file: string; durationMs: number; sizeBytes: number }> {
    const writer = await openAsciicastWriter(options());
    const [h, eAcuteStart, eAcuteEnd, euroStart, euroEnd] = bytes(
      'h',
      [0xc3],
      [0xa9, 0x6c, 0x6c, 0x6f],
      [0xe2],
      [0x82, 0xac],
    );
    clock.advance(500);
    for (const chunk of [h, eAcuteStart, eAcuteEnd]) if (chunk) writer.output(chunk);
    clock.advance(500);
    writer.resize(120, 40);
    clock.advance(250);
    if (euroStart) writer.output(euroStart);
    clock.advance(350);
    if (euroEnd) writer.output(euroEnd);
    clock.advance(400);
    const summary = await writer.close();
    return { file: writer.file, ...summary };
  }

  it('reads back header and events with their times, decoding UTF-8 split across chunks', async () => {
    const { file, durationMs, sizeBytes } = await recordSample();
    const content = await readAsciicast(file);
    assert.deepEqual(content.header, {
      version: 2,
      width: 80,
      height: 24,
      timestamp: 1740823200,
      title: 'alice on web-01',
    });
    // Each output is its own event, written as it comes; a split character waits for its end.
    assert.deepEqual(content.events, [
      [0.5, 'o', 'h'],
      [0.5, 'o', 'éllo'],
      [1, 'r', '120x40'],
      [1.6, 'o', '€'],
    ]);
    assert.equal(content.text, await readFile(file, 'utf8'));
    assert.equal(content.intact, true);
    assert.ok(content.chunksVerified >= 2, 'the header and the events are separate chunks');
    assert.equal(content.unverifiedBytes, 0);
    assert.equal(content.durationMs, 1600);
    assert.equal(durationMs, 2000);
    assert.equal(sizeBytes, Buffer.byteLength(content.text));
  });

  it('drops a torn last line and still verifies the chain', async () => {
    const { file } = await recordSample();
    await appendFile(file, '[1.9,"o","half a li');
    const content = await readAsciicast(file);
    assert.equal(content.events.length, 4);
    assert.equal(content.intact, true);
    assert.ok(!content.text.includes('half a li'));
  });

  it('returns complete lines the chain does not cover yet, counted as unverified', async () => {
    const { file } = await recordSample();
    const late = '[1.9,"o","written just before the crash"]\n';
    await appendFile(file, late);
    const content = await readAsciicast(file);
    assert.deepEqual(content.events.at(-1), [1.9, 'o', 'written just before the crash']);
    assert.equal(content.unverifiedBytes, Buffer.byteLength(late));
    assert.equal(content.intact, true);
  });

  it('reports an edited recording as not intact', async () => {
    const { file } = await recordSample();
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('120x40', '100x40'));
    const content = await readAsciicast(file);
    assert.equal(content.intact, false);
    assert.ok(content.chunksVerified >= 1, 'the header chunk still verifies');
  });

  it('reports a recording without its chain as not intact, yet playable', async () => {
    const { file } = await recordSample();
    await rm(chainFileOf(file));
    const content = await readAsciicast(file);
    assert.equal(content.intact, false);
    assert.equal(content.chunksVerified, 0);
    assert.equal(content.events.length, 4);
  });

  it('fails through onError instead of running past its limit ahead of the disk, and drops later output', async () => {
    const writer = await openAsciicastWriter(
      options({ maxBufferedBytes: 1000, flushBytes: 1_000_000, flushIntervalMs: 60_000 }),
    );
    const errors: Error[] = [];
    writer.onError((error) => errors.push(error));
    writer.output(new Uint8Array(600).fill(0x61));
    clock.advance(1);
    writer.output(new Uint8Array(600).fill(0x62));
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /fell more than 1000 bytes behind/);
    writer.output(new Uint8Array(10).fill(0x63));
    await assert.rejects(writer.close(), /fell more than/);
    const content = await readAsciicast(writer.file);
    assert.deepEqual(
      content.events.map((event) => event[2]),
      ['a'.repeat(600)],
      'nothing past the limit was written',
    );
  });

  it('writes a chunk as soon as the buffer passes flushBytes', async () => {
    const writer = await openAsciicastWriter(options({ flushBytes: 100, flushIntervalMs: 60_000 }));
    writer.output(new Uint8Array(150).fill(0x61));
    // No timer can fire within the test (60 s interval): only the size threshold writes this.
    const chainLines = async () =>
      (await readFile(chainFileOf(writer.file), 'utf8')).split('\n').length - 1;
    for (let attempt = 0; (await chainLines()) < 2 && attempt < 400; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(await chainLines(), 2);
    const summary = await writer.close();
    assert.equal(await chainLines(), 2, 'close had nothing left to write');
    assert.equal(summary.sizeBytes, (await readFile(writer.file)).byteLength);
  });

  it('reports congestion past congestedBytes and relief once the backlog is written', async () => {
    const writer = await openAsciicastWriter(
      options({ flushBytes: 100, congestedBytes: 300, flushIntervalMs: 60_000 }),
    );
    const relieved = new Promise<void>((resolve) => writer.onRelieved(resolve));
    writer.output(new Uint8Array(400).fill(0x61));
    assert.equal(writer.isCongested, true);
    await relieved;
    assert.equal(writer.isCongested, false);
    await writer.close();
    const content = await readAsciicast(writer.file);
    assert.equal(content.events.map((event) => event[2]).join(''), 'a'.repeat(400));
  });

  it('has every output in the file as soon as output() returns, before any sync', async () => {
    const writer = await openAsciicastWriter(options({ flushIntervalMs: 60_000 }));
    clock.advance(250);
    writer.output(new TextEncoder().encode('seen by the technician'));
    // What a killed server leaves: the file as it is now, no sync, no chain line for it yet.
    const content = await readAsciicast(writer.file);
    assert.deepEqual(content.events, [[0.25, 'o', 'seen by the technician']]);
    assert.ok(content.unverifiedBytes > 0, 'written, not yet chained');
    await writer.close();
    assert.equal((await readAsciicast(writer.file)).unverifiedBytes, 0);
  });

  it('refuses to overwrite an existing recording', async () => {
    await writeFile(join(dir, 'session.cast'), 'precious');
    await assert.rejects(openAsciicastWriter(options()), { code: 'EEXIST' });
    assert.equal(await readFile(join(dir, 'session.cast'), 'utf8'), 'precious');
  });
});
