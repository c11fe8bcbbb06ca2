import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadServerConfig } from './config.js';

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
