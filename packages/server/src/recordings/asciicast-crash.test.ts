import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readAsciicast } from './asciicast-reader.js';

const fixture = fileURLToPath(new URL('./test-fixtures/record-until-killed.ts', import.meta.url));

describe('asciicast recording after a crash', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-crash-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps everything emitted up to a second before SIGKILL, with an intact chain', async () => {
    const file = join(dir, 'killed.cast');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const emitted: { tick: number; ms: number }[] = [];
    const lines = createInterface({ input: child.stdout });
    const runFor = 1500;
    await new Promise<void>((resolve) => {
      lines.on('line', (line) => {
        emitted.push(JSON.parse(line) as { tick: number; ms: number });
        if ((emitted.at(-1)?.ms ?? 0) >= runFor) resolve();
      });
      child.once('exit', () => resolve());
    });
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    lines.close();

    const content = await readAsciicast(file);
    assert.equal(content.intact, true);
    assert.ok(content.chunksVerified >= 3, `${content.chunksVerified} chunks`);
    const ticks = content.events
      .filter((event) => event[1] === 'o')
      .flatMap((event) =>
        [...event[2].matchAll(/tick (\d+) ✓\r\n/g)].map((match) => Number(match[1])),
      );
    assert.deepEqual(
      ticks,
      ticks.map((_, index) => index),
      'ticks are recorded in order, none missing',
    );
    // Lines still in the pipe when the child died may mean a few recorded ticks were never seen.
    const lastRecorded = emitted[Math.min(ticks.length, emitted.length) - 1];
    const lastEmitted = emitted.at(-1);
    assert.ok(lastRecorded && lastEmitted, 'something was recorded');
    assert.ok(
      lastRecorded.ms >= lastEmitted.ms - 1000,
      `recorded up to ${Math.round(lastRecorded.ms)} ms, emitted up to ${Math.round(lastEmitted.ms)} ms`,
    );
    assert.ok(
      content.events.some((event) => event[1] === 'r'),
      'resizes are recorded too',
    );
  });
});
