import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { databasePoolOptions, loadServerConfig } from './config.js';

test('flags override the environment, which overrides defaults', () => {
  const config = loadServerConfig({
    env: { TETHER_PORT: '9443', TETHER_DATA_DIR: '/tmp/a' },
    flags: { dataDir: '/tmp/b' },
  });
  assert.equal(config.listen.port, 9443);
  assert.equal(config.dataDir, '/tmp/b');
  assert.equal(config.admin.port, 7615);
});

test('a bad value is refused with the key named', () => {
  assert.throws(
    () => loadServerConfig({ flags: { listen: { host: '0.0.0.0', port: 70000 } } }),
    /listen\.port/,
  );
  assert.throws(
    () => loadServerConfig({ flags: { publicUrl: 'http://insecure.example' } }),
    /publicUrl/,
  );
});

test('the PostgreSQL pool size comes from the file, the environment or a flag, keeping the rest', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-config-'));
  try {
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ databasePool: { maxConnections: 40, waitSec: 15 } }));
    const fromFile = loadServerConfig({ file });
    assert.deepEqual(databasePoolOptions(fromFile), {
      maxConnections: 40,
      connectTimeoutMs: 15_000,
    });
    const overridden = loadServerConfig({
      file,
      env: { TETHER_DATABASE_POOL_SIZE: '60' },
      flags: { databasePool: { maxConnections: 80 } },
    });
    assert.deepEqual(databasePoolOptions(overridden), {
      maxConnections: 80,
      connectTimeoutMs: 15_000,
    });
    assert.deepEqual(databasePoolOptions(loadServerConfig({})), {
      maxConnections: 10,
      connectTimeoutMs: 5000,
    });
    assert.throws(
      () => loadServerConfig({ env: { TETHER_DATABASE_POOL_SIZE: 'many' } }),
      /databasePool\.maxConnections/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
