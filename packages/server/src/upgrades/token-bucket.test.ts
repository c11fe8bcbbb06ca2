import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { createTokenBucket } from './token-bucket.js';

async function drain(source: Readable, bucket: ReturnType<typeof createTokenBucket>) {
  let bytes = 0;
  await pipeline(
    source,
    bucket.throttle(),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback();
      },
    }),
  );
  return bytes;
}

test('downloads sharing one bucket together stay within its rate', async () => {
  const rate = 4 * 1024 * 1024;
  const bucket = createTokenBucket({ bytesPerSec: rate });
  const each = 1024 * 1024;
  const started = performance.now();
  const sizes = await Promise.all(
    Array.from({ length: 4 }, () => drain(Readable.from([Buffer.alloc(each)]), bucket)),
  );
  const seconds = (performance.now() - started) / 1000;
  assert.deepEqual(sizes, [each, each, each, each]);
  // 4 MiB at 4 MiB/s, less the tenth of a second of burst the bucket starts with.
  assert.ok(seconds >= 0.85, `took ${seconds.toFixed(2)} s: faster than the limit`);
  assert.ok(seconds < 3, `took ${seconds.toFixed(2)} s`);
  assert.equal(bucket.sentBytes, 4 * each);
});

test('a new rate applies to downloads already waiting', async () => {
  const bucket = createTokenBucket({ bytesPerSec: 64 * 1024 });
  const started = performance.now();
  const done = drain(Readable.from([Buffer.alloc(2 * 1024 * 1024)]), bucket);
  bucket.setRate(16 * 1024 * 1024);
  await done;
  assert.ok(performance.now() - started < 1500);
});
