import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { databaseStatus } from './server-status.js';

test('a PostgreSQL database is named by host, port and database, never its credentials', async () => {
  const status = await databaseStatus('postgres://tether:s3cret-pass@db.example:5433/tether_prod');
  assert.deepEqual(status, {
    engine: 'postgresql',
    host: 'db.example',
    port: 5433,
    database: 'tether_prod',
  });
  assert.doesNotMatch(JSON.stringify(status), /s3cret|tether:/);
  assert.deepEqual(await databaseStatus('postgresql://db.example/t'), {
    engine: 'postgresql',
    host: 'db.example',
    port: null,
    database: 't',
  });
});

test('a SQLite database is its file, sized with its write-ahead log', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-status-'));
  try {
    const path = join(dir, 'tether.db');
    await writeFile(path, Buffer.alloc(4096));
    assert.deepEqual(await databaseStatus(`sqlite:${path}`), {
      engine: 'sqlite',
      path,
      sizeBytes: 4096,
    });
    await writeFile(`${path}-wal`, Buffer.alloc(1000));
    assert.deepEqual(await databaseStatus(`sqlite:${path}`), {
      engine: 'sqlite',
      path,
      sizeBytes: 5096,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
