import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { systemClock } from '../clock.js';
import { loadServerConfig } from '../config/config.js';
import { openStore } from '../store/open-store.js';
import { joinCluster } from './join-cluster.js';

describe('joining a cluster', () => {
  it('refuses cluster mode on SQLite, saying it needs the shared PostgreSQL database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tether-join-'));
    const store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
    try {
      const config = loadServerConfig({
        flags: { dataDir: dir, cluster: { nats: 'nats://127.0.0.1:1' } },
      });
      await assert.rejects(
        joinCluster({
          ...{ config, store, clock: systemClock, log: pino({ level: 'silent' }) },
          url: () => 'https://127.0.0.1:8443',
          agents: () => 0,
        }),
        /needs a PostgreSQL database shared by every node/,
      );
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a flag adds to the cluster settings of the environment instead of replacing them', () => {
    const config = loadServerConfig({
      env: { TETHER_NATS: 'nats://nats.internal:4222' },
      flags: { cluster: { nodeId: 'node-7' } },
    });
    assert.deepEqual(config.cluster, {
      nats: 'nats://nats.internal:4222',
      nodeId: 'node-7',
      heartbeatSec: 5,
      relayBridge: 'direct',
    });
  });
});
