import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TestClock } from '@tether/protocol';
import { createAuditLog } from '../audit/audit-log.js';
import { DevicePresence } from '../devices/device-presence.js';
import { createLogger } from '../logging.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { addDevice, addInstaller } from '../store/test/fixtures.js';
import { ONE_TIME_GRACE_MS, watchOneTimeDevices } from './one-time-devices.js';

// The ad-hoc session of a one-time agent ends when the agent has left. In a cluster
// the node the agent was on ends it; when that node died, no node holds the agent, so
// every node settles it and the session's conditional end makes it happen once.

describe('one-time devices in a cluster', () => {
  let dir: string;
  let store: Store;
  let clock: TestClock;
  let removed: string[];
  let deviceId: string;
  let sessionId: string;

  /** A node's view: its presence, watched; the store and clock are the cluster's. */
  const node = () => {
    const presence = new DevicePresence();
    const log = createLogger({ level: 'silent' });
    watchOneTimeDevices({
      store,
      clock,
      audit: createAuditLog({ store, clock, log }),
      presence,
      log,
      removeDevice: (id) => {
        removed.push(id);
        return Promise.resolve();
      },
    });
    return presence;
  };
  /** Lets the watchers look the session up, then the grace period pass, and their work end. */
  const afterGrace = async () => {
    const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
    await settle();
    clock.advance(ONE_TIME_GRACE_MS);
    await settle();
  };
  const isLive = async () => (await store.adhocSessions.findLiveByDevice(deviceId)) !== undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-one-time-'));
    store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
    clock = new TestClock(Date.parse('2026-12-07T10:00:00Z'));
    removed = [];
    const installer = await addInstaller(store, { maxInstalls: 1 });
    sessionId = randomUUID();
    await store.adhocSessions.create({
      id: sessionId,
      codeHash: 'hash-1',
      installerId: installer.id,
      group: 'office',
      createdBy: 'u1',
      createdByName: 'alice',
      createdAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 900_000),
      allowInstalledAgent: true,
    });
    // The one-time agent enrols with the code's installer: that is its device.
    deviceId = (await addDevice(store, 'laptop', installer)).id;
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('an offline told by the node holding the agent is left to that node', async () => {
    const [b, c] = [node(), node()];
    for (const presence of [b, c]) presence.events.emitRelayed({ type: 'offline', deviceId });
    await afterGrace();
    assert.equal(await isLive(), true);
    assert.deepEqual(removed, []);
  });

  it('when the node holding the agent died, the others end its session once', async () => {
    const [b, c] = [node(), node()];
    for (const presence of [b, c])
      presence.events.emitRelayed({ type: 'offline', deviceId }, { holderGone: true });
    await afterGrace();
    assert.equal(await isLive(), false);
    assert.deepEqual(removed, [deviceId], 'its one-time device is removed once');
    const ended = await store.audit.list({ limit: 10, action: 'adhoc.ended' });
    assert.equal(ended.length, 1);
    assert.equal(ended[0]?.target, sessionId);
  });

  it("a dead node's thousands of agents cost one look when no ad-hoc session is live", async () => {
    await store.adhocSessions.end(sessionId, clock.now());
    const looks = { anyLive: 0, byDevice: 0 };
    const sessions = store.adhocSessions;
    const anyLive = sessions.anyLive.bind(sessions);
    const findLiveByDevice = sessions.findLiveByDevice.bind(sessions);
    store.adhocSessions.anyLive = () => (looks.anyLive++, anyLive());
    store.adhocSessions.findLiveByDevice = (id) => (looks.byDevice++, findLiveByDevice(id));
    const presence = node();
    for (let index = 0; index < 2000; index++)
      presence.events.emitRelayed(
        { type: 'offline', deviceId: randomUUID() },
        { holderGone: true },
      );
    await afterGrace();
    assert.deepEqual(looks, { anyLive: 1, byDevice: 0 });
  });
});
