import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { measureUpgradeFleet } from '../support/upgrade-fleet.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// The upgrade limits (S-12) with simulated agents that upgrade with the agent's real code
// (bench/scenarios/upgrade-fleet.ts, 1,000 agents in the benchmark).

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(async () => {
  await server.close();
});

test('upgrading a fleet never exceeds the concurrency or bandwidth limit, and keeps to it', async () => {
  const bandwidth = 2 * 1024 * 1024;
  const result = await measureUpgradeFleet(server, {
    agents: 60,
    buildBytes: 160 * 1024,
    bandwidthBytesPerSec: bandwidth,
    maxConcurrent: 8,
  });
  assert.equal(result.failed, 0);
  assert.ok(result.maxRunning <= 8, `peak ${result.maxRunning} upgrades at once`);
  assert.ok(result.maxRunning >= 6, `only ${result.maxRunning} at once: the limit is not used`);
  // A whole second never carries more than the limit plus the bucket's tenth-of-a-second burst.
  assert.ok(
    result.maxBytesPerSec <= bandwidth * 1.15,
    `${(result.maxBytesPerSec / 2 ** 20).toFixed(2)} MiB in one second`,
  );
  assert.ok(result.ratio <= 1.5, `finished in ${result.ratio}× the ideal time`);
});
