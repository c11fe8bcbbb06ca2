import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ustarDirectory, ustarFile } from '../agent-packages/ustar.js';
import { receiveUpload, unpackBuildArchive } from './build-archive.js';

test('an upload past its cap is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-build-archive-'));
  try {
    await assert.rejects(
      receiveUpload(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), join(dir, 'a'), 1000),
      /larger than/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an archive that unpacks past its cap is refused; within it, files keep their content and exec bit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-build-archive-'));
  try {
    const tar = Buffer.concat([
      ustarDirectory('versions'),
      ustarFile('versions/run', Buffer.from('#!/bin/sh\n'), 0o4755),
      ustarFile('big', Buffer.alloc(5000, 1)),
    ]);
    await writeFile(join(dir, 'a.tar.gz'), gzipSync(tar));
    await mkdir(join(dir, 'small'));
    await assert.rejects(
      unpackBuildArchive(join(dir, 'a.tar.gz'), join(dir, 'small'), 4096),
      /unpacks to more than/,
    );
    await mkdir(join(dir, 'whole'));
    await unpackBuildArchive(join(dir, 'a.tar.gz'), join(dir, 'whole'), 1 << 20);
    assert.deepEqual((await readdir(join(dir, 'whole'))).sort(), ['big', 'versions']);
    // The set-user-id bit is dropped: an upload never makes a privileged program.
    assert.equal((await stat(join(dir, 'whole/versions/run'))).mode & 0o7777, 0o755);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an archive naming the same file twice is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-build-archive-'));
  try {
    const tar = Buffer.concat([ustarFile('a', Buffer.from('1')), ustarFile('a', Buffer.from('2'))]);
    await writeFile(join(dir, 'a.tar.gz'), gzipSync(tar));
    await mkdir(join(dir, 'out'));
    await assert.rejects(
      unpackBuildArchive(join(dir, 'a.tar.gz'), join(dir, 'out'), 1 << 20),
      /same path twice/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
