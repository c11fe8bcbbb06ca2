import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TestClock } from '@tether/protocol/agent';
import { pino } from 'pino';
import { loadDeletionDeadline, type DeletionDeadline } from './deletion-deadline.js';
import { readMaintenanceRecord } from './maintenance-file.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const log = pino({ level: 'silent' });

describe('the agent’s deletion deadline (A-7) on a fake clock', () => {
  let dataDir: string;
  let clock: TestClock;
  let reasons: string[];
  let running: DeletionDeadline[];

  const load = async (): Promise<DeletionDeadline> => {
    const deadline = await loadDeletionDeadline({
      dataDir,
      clock,
      log,
      onDeadline: (reason) => reasons.push(reason),
    });
    running.push(deadline);
    return deadline;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tether-deadline-'));
    clock = new TestClock(Date.UTC(2026, 0, 1));
    reasons = [];
    running = [];
  });
  afterEach(async () => {
    for (const deadline of running) await deadline.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fires once its deadline passes without contact, not before, and not while connected', async () => {
    const deadline = await load();
    deadline.start();
    deadline.onConnected();
    deadline.onSettings({ deleteAfterOfflineMinutes: 5, restrictLocalUninstall: false });
    clock.advance(60 * MINUTE);
    assert.deepEqual(reasons, [], 'connected: the deadline does not run');
    deadline.onDisconnected();
    clock.advance(5 * MINUTE - 1);
    assert.deepEqual(reasons, []);
    clock.advance(1);
    assert.equal(reasons.length, 1);
    assert.match(reasons.join(), /no contact with the server for more than 5 minutes/);
    clock.advance(DAY);
    assert.equal(reasons.length, 1, 'once');
  });

  it('contact before the deadline starts the count again', async () => {
    const deadline = await load();
    deadline.start();
    deadline.onConnected();
    deadline.onSettings({ deleteAfterOfflineMinutes: 5, restrictLocalUninstall: false });
    deadline.onDisconnected();
    clock.advance(4 * MINUTE);
    deadline.onConnected();
    deadline.onDisconnected();
    clock.advance(4 * MINUTE);
    assert.deepEqual(reasons, []);
    clock.advance(MINUTE);
    assert.equal(reasons.length, 1);
  });

  it('an agent that never reaches the server again uninstalls at its deadline, across a restart', async () => {
    const first = await load();
    first.start();
    first.onConnected();
    first.onSettings({ deleteAfterOfflineMinutes: 30 * 24 * 60, restrictLocalUninstall: true });
    clock.advance(2 * DAY);
    first.onDisconnected();
    // The machine is switched off for 20 days; the agent starts again, the server out of reach.
    await first.stop();
    const record = await readMaintenanceRecord(dataDir);
    assert.equal(record?.lastContactAt, clock.now().getTime());
    assert.equal(record.restrictLocalUninstall, true);
    clock.advance(20 * DAY);
    const second = await load();
    second.start();
    // Longer than a Node timer can wait (24.8 days): re-armed hourly, it still fires on time.
    clock.advance(10 * DAY - MINUTE);
    assert.deepEqual(reasons, []);
    clock.advance(2 * MINUTE);
    assert.equal(reasons.length, 1);
  });

  /** Connected, told a 30-day deadline, cut at `cutAt`, back 10 minutes later; `after` on, stopped. */
  const reconnectWithinTheHour = async (afterMs: number): Promise<{ cutAt: number }> => {
    const deadline = await load();
    deadline.start();
    deadline.onConnected({ deleteAfterOfflineMinutes: 30 * 24 * 60, restrictLocalUninstall: true });
    clock.advance(5 * MINUTE);
    deadline.onDisconnected();
    const cutAt = clock.now().getTime();
    clock.advance(10 * MINUTE);
    deadline.onConnected({ deleteAfterOfflineMinutes: 30 * 24 * 60, restrictLocalUninstall: true });
    clock.advance(afterMs);
    await deadline.stop();
    return { cutAt };
  };

  it('back within the hour, the file is not written again until an hour after its last save', async () => {
    const { cutAt } = await reconnectWithinTheHour(49 * MINUTE);
    assert.equal((await readMaintenanceRecord(dataDir))?.lastContactAt, cutAt);
  });

  it('back within the hour, the next save still comes an hour after the last one', async () => {
    const { cutAt } = await reconnectWithinTheHour(50 * MINUTE);
    const record = await readMaintenanceRecord(dataDir);
    assert.equal(record?.lastContactAt, cutAt + 60 * MINUTE, 'a power cut costs at most an hour');
    assert.equal(record.restrictLocalUninstall, true);
  });

  it('back with different maintenance settings, the file is written at once', async () => {
    const deadline = await load();
    deadline.start();
    deadline.onConnected({ deleteAfterOfflineMinutes: 60, restrictLocalUninstall: false });
    deadline.onDisconnected();
    clock.advance(MINUTE);
    deadline.onConnected({ deleteAfterOfflineMinutes: 120, restrictLocalUninstall: true });
    await deadline.stop();
    const record = await readMaintenanceRecord(dataDir);
    assert.equal(record?.lastContactAt, clock.now().getTime());
    assert.equal(record.deleteAfterOfflineMinutes, 120);
    assert.equal(record.restrictLocalUninstall, true);
  });

  it('settings pushed while connected write the file only when they change the deadline', async () => {
    const deadline = await load();
    deadline.start();
    const maintenance = { deleteAfterOfflineMinutes: 60, restrictLocalUninstall: false };
    deadline.onConnected(maintenance);
    const savedAt = clock.now().getTime();
    clock.advance(10 * MINUTE);
    deadline.onSettings(maintenance); // e.g. a new statistics interval
    await deadline.stop();
    assert.equal((await readMaintenanceRecord(dataDir))?.lastContactAt, savedAt, 'not written');

    const again = await load();
    again.start();
    again.onConnected(maintenance);
    clock.advance(MINUTE);
    again.onSettings({ deleteAfterOfflineMinutes: 90, restrictLocalUninstall: false });
    await again.stop();
    const record = await readMaintenanceRecord(dataDir);
    assert.equal(record?.deleteAfterOfflineMinutes, 90, 'a new deadline is written at once');
    assert.equal(record.lastContactAt, clock.now().getTime());
  });

  it('cut off for a moment with a deadline of days, the agent writes no file on the way back', async () => {
    const maintenance = { deleteAfterOfflineMinutes: 30 * 24 * 60, restrictLocalUninstall: false };
    const deadline = await load();
    deadline.start();
    deadline.onConnected(maintenance);
    const savedAt = clock.now().getTime();
    clock.advance(20 * MINUTE);
    deadline.onDisconnected(); // a cluster node lost: back on another one 30 s later
    clock.advance(30_000);
    deadline.onConnected(maintenance);
    await deadline.stop();
    assert.equal((await readMaintenanceRecord(dataDir))?.lastContactAt, savedAt, 'not written');

    const cutOff = await load();
    cutOff.start();
    cutOff.onConnected(maintenance);
    clock.advance(20 * MINUTE);
    cutOff.onDisconnected();
    const cutAt = clock.now().getTime();
    clock.advance(MINUTE);
    await cutOff.stop();
    assert.equal(
      (await readMaintenanceRecord(dataDir))?.lastContactAt,
      cutAt,
      'still cut off a minute later: the end of the connection is saved',
    );
  });

  it('a short deadline, or an agent stopped meanwhile, saves the end of the connection at once', async () => {
    const short = { deleteAfterOfflineMinutes: 5, restrictLocalUninstall: false };
    const deadline = await load();
    deadline.start();
    deadline.onConnected(short);
    clock.advance(2 * MINUTE);
    deadline.onDisconnected();
    const cutAt = clock.now().getTime();
    clock.advance(10_000);
    deadline.onConnected(short);
    await deadline.stop();
    assert.equal((await readMaintenanceRecord(dataDir))?.lastContactAt, cutAt);

    const long = { deleteAfterOfflineMinutes: 30 * 24 * 60, restrictLocalUninstall: false };
    const stopped = await load();
    stopped.start();
    stopped.onConnected(long);
    clock.advance(2 * MINUTE);
    stopped.onDisconnected();
    const stoppedAt = clock.now().getTime();
    await stopped.stop();
    assert.equal((await readMaintenanceRecord(dataDir))?.lastContactAt, stoppedAt);
  });

  it('a deadline that passed while the agent was stopped fires at start', async () => {
    const first = await load();
    first.start();
    first.onConnected();
    first.onSettings({ deleteAfterOfflineMinutes: 5, restrictLocalUninstall: false });
    first.onDisconnected();
    await first.stop();
    clock.advance(6 * MINUTE);
    const second = await load();
    assert.deepEqual(reasons, [], 'nothing before start()');
    second.start();
    assert.equal(reasons.length, 1);
  });

  it('no deadline (never deleted, or an older server) never fires', async () => {
    const deadline = await load();
    deadline.start();
    deadline.onConnected();
    deadline.onSettings(undefined);
    deadline.onDisconnected();
    clock.advance(400 * DAY);
    deadline.onConnected();
    deadline.onSettings({ deleteAfterOfflineMinutes: null, restrictLocalUninstall: false });
    deadline.onDisconnected();
    clock.advance(400 * DAY);
    assert.deepEqual(reasons, []);
  });
});
