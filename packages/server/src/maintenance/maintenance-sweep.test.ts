import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { AppError, TestClock, type MaintenanceSettings, type Notification } from '@tether/protocol';
import { createAuditLog } from '../audit/audit-log.js';
import { systemClock } from '../clock.js';
import { createLogger } from '../logging.js';
import { DeviceEvents } from '../devices/device-events.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { addDevice, addInstaller, inventory, T0 } from '../store/test/fixtures.js';
import { recordLocalUninstall } from './local-uninstall.js';
import {
  FIRST_SWEEP_DELAY_MS,
  SWEEP_INTERVAL_MS,
  createMaintenanceSweep,
  type MaintenanceSweep,
} from './maintenance-sweep.js';
import { agentMaintenance, writeMaintenanceSettings } from './maintenance-settings.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const THRESHOLDS: MaintenanceSettings = {
  lostAfterDays: 15,
  deleteAfterDays: 30,
  onLocalUninstall: 'mark',
  restrictLocalUninstall: false,
};

describe('maintenance sweep (A-7) with a fake clock', () => {
  let dir: string;
  let store: Store;
  let clock: TestClock;
  let notified: Notification[];
  let deleted: string[];
  let online: Set<string>;
  /** Devices the console was told changed. */
  let changes: string[];
  let sweep: MaintenanceSweep;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-maintenance-'));
    store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
    clock = new TestClock(T0.getTime());
    notified = [];
    deleted = [];
    online = new Set();
    changes = [];
    const log = createLogger({ level: 'silent' });
    const events = new DeviceEvents();
    events.onAny((event) => changes.push(event.deviceId));
    sweep = createMaintenanceSweep({
      store,
      clock,
      log,
      // Real time for the audit log: its refusal-summary timer would otherwise run once a
      // minute for each of the weeks these tests jump.
      audit: createAuditLog({ store, clock: systemClock, log }),
      notifications: { notify: (notification) => notified.push(notification) },
      presence: {
        isOnline: (deviceId) => online.has(deviceId),
        events,
      },
      deleteDevice: async (deviceId) => {
        deleted.push(deviceId);
        // What the real deleteDevice (lifecycle's joint) does to the row: a tombstone.
        const database = new SqliteDatabase(join(dir, 'tether.db'));
        database
          .prepare('UPDATE devices SET deleted_at = ? WHERE id = ?')
          .run(clock.now().getTime(), deviceId);
        database.close();
        await Promise.resolve();
      },
    });
    await writeMaintenanceSettings(store, THRESHOLDS);
  });
  afterEach(async () => {
    await sweep.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const advanceTo = (ms: number): void => clock.advance(T0.getTime() + ms - clock.now().getTime());

  it('flags a device offline past the lost threshold lost, notifies agent.lost once, and audits it', async () => {
    const device = await addDevice(store, 'web-01');
    advanceTo(15 * DAY - MINUTE);
    assert.deepEqual(
      await sweep.sweep(),
      { lost: [], deleted: [] },
      'not yet: 15 days less a minute',
    );
    advanceTo(15 * DAY + MINUTE);
    assert.deepEqual(await sweep.sweep(), { lost: [device.id], deleted: [] });
    assert.equal((await store.devices.find(device.id))?.lostAt?.getTime(), clock.now().getTime());
    assert.equal(notified.length, 1);
    assert.deepEqual(changes, [device.id], 'the console hears of it');
    const notice = notified[0];
    assert.ok(notice);
    assert.equal(notice.kind, 'agent.lost');
    assert.equal(notice.subject, 'Device web-01 is lost');
    assert.match(notice.text, /more than 15 days.*2024-05-06T07:08:09\.123Z/);
    assert.equal(notice.details?.['deviceId'], device.id);
    const audited = await store.audit.list({ limit: 5, action: 'device.lost' });
    assert.equal(audited.length, 1);
    advanceTo(16 * DAY);
    assert.deepEqual(await sweep.sweep(), { lost: [], deleted: [] });
    assert.equal(notified.length, 1, 'a device is notified lost once per absence');
  });

  it('deletes a device past the delete threshold through deleteDevice', async () => {
    const device = await addDevice(store, 'web-02');
    advanceTo(30 * DAY - MINUTE);
    await sweep.sweep();
    assert.deepEqual(deleted, []);
    advanceTo(30 * DAY + MINUTE);
    assert.deepEqual(await sweep.sweep(), { lost: [], deleted: [device.id] });
    assert.deepEqual(deleted, [device.id]);
    assert.deepEqual(await sweep.sweep(), { lost: [], deleted: [] }, 'a deleted device is done');
  });

  it('deletes an ephemeral device 5 minutes after its last contact, even with no fleet thresholds', async () => {
    await writeMaintenanceSettings(store, {
      ...THRESHOLDS,
      lostAfterDays: null,
      deleteAfterDays: null,
    });
    const ephemeral = await addDeviceWithLimit(store, 'kiosk', 5);
    const long = await addDeviceWithLimit(store, 'laptop', 60 * 24 * 40);
    const plain = await addDevice(store, 'desk');
    advanceTo(4 * MINUTE);
    assert.deepEqual(await sweep.sweep(), { lost: [], deleted: [] });
    advanceTo(5 * MINUTE + 1);
    assert.deepEqual(await sweep.sweep(), { lost: [], deleted: [ephemeral.id] });
    advanceTo(39 * DAY);
    assert.deepEqual(await sweep.sweep(), { lost: [], deleted: [] });
    advanceTo(40 * DAY + MINUTE);
    assert.deepEqual(await sweep.sweep(), { lost: [], deleted: [long.id] });
    assert.ok(!deleted.includes(plain.id));
  });

  it('a device with its own limit longer than the delete threshold keeps it, and is flagged lost meanwhile', async () => {
    const device = await addDeviceWithLimit(store, 'ship', 60 * 24 * 45);
    advanceTo(31 * DAY);
    assert.deepEqual(await sweep.sweep(), { lost: [device.id], deleted: [] });
    advanceTo(45 * DAY + MINUTE);
    assert.deepEqual(await sweep.sweep(), { lost: [], deleted: [device.id] });
  });

  it('never counts a connected device silent: its last contact is refreshed instead', async () => {
    const device = await addDevice(store, 'always-on');
    online.add(device.id);
    advanceTo(31 * DAY);
    assert.deepEqual(await sweep.sweep(), { lost: [], deleted: [] });
    assert.equal(
      (await store.devices.find(device.id))?.lastSeenAt?.getTime(),
      clock.now().getTime(),
    );
    online.delete(device.id);
    advanceTo(47 * DAY);
    assert.deepEqual(await sweep.sweep(), { lost: [device.id], deleted: [] }, 'counted from then');
  });

  it('a lost device that connects again is not lost any more', async () => {
    const device = await addDevice(store, 'roamer');
    advanceTo(16 * DAY);
    await sweep.sweep();
    assert.ok((await store.devices.find(device.id))?.lostAt);
    advanceTo(17 * DAY);
    await store.devices.setLastSeen(device.id, clock.now());
    changes = [];
    await sweep.sweep();
    assert.equal((await store.devices.find(device.id))?.lostAt, null);
    assert.deepEqual(changes, [device.id], 'the console hears it is not lost any more');
    advanceTo(33 * DAY);
    assert.deepEqual(await sweep.sweep(), { lost: [device.id], deleted: [] }, 'lost again later');
    assert.equal(notified.length, 2);
  });

  it('sweeps first 15 minutes after the start, then every minute', async () => {
    const device = await addDeviceWithLimit(store, 'kiosk', 5);
    advanceTo(10 * MINUTE);
    sweep.start();
    clock.advance(FIRST_SWEEP_DELAY_MS - 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(deleted, [], 'no pass before 15 minutes');
    clock.advance(1);
    await sweep.sweep(); // joins the pass the timer started
    assert.deepEqual(deleted, [device.id]);
    const later = await addDeviceWithLimit(store, 'kiosk-2', 5, clock.now());
    clock.advance(6 * SWEEP_INTERVAL_MS);
    await sweep.sweep();
    assert.deepEqual(deleted, [device.id, later.id]);
  });

  it('an agent uninstalled on the device marks it, or removes it, as the setting says', async () => {
    const audit = createAuditLog({
      store,
      clock: systemClock,
      log: createLogger({ level: 'silent' }),
    });
    const deleteDevice = (id: string): Promise<void> => {
      deleted.push(id);
      return Promise.resolve();
    };
    const deps = { store, clock, audit, deleteDevice };
    const marked = await addDevice(store, 'marked');
    assert.equal(
      await recordLocalUninstall(deps, { deviceId: marked.id, sourceAddress: '192.0.2.7' }),
      'marked',
    );
    assert.equal(
      (await store.devices.find(marked.id))?.uninstalledAt?.getTime(),
      clock.now().getTime(),
    );
    assert.deepEqual(deleted, []);
    await writeMaintenanceSettings(store, { ...THRESHOLDS, onLocalUninstall: 'remove' });
    const removed = await addDevice(store, 'removed');
    assert.equal(
      await recordLocalUninstall(deps, { deviceId: removed.id, sourceAddress: '192.0.2.7' }),
      'removed',
    );
    assert.deepEqual(deleted, [removed.id]);
    const audited = await store.audit.list({ limit: 5, action: 'device.uninstalled' });
    assert.equal(audited.length, 2);
    // Back with its identity (installed again): the mark goes once it is connected.
    online.add(marked.id);
    await sweep.sweep();
    assert.equal((await store.devices.find(marked.id))?.uninstalledAt, null);
  });
});

describe('maintenance settings', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-maintenance-settings-'));
    store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses thresholds under 15 days or lost not before delete, and stores nothing', async () => {
    for (const bad of [
      { ...THRESHOLDS, lostAfterDays: 14 },
      { ...THRESHOLDS, deleteAfterDays: 7 },
      { ...THRESHOLDS, lostAfterDays: 30, deleteAfterDays: 30 },
      { ...THRESHOLDS, lostAfterDays: 15.5 },
    ]) {
      await assert.rejects(
        writeMaintenanceSettings(store, bad),
        (error: unknown) =>
          error instanceof AppError &&
          error.code === 'INVALID_INPUT' &&
          /Maintenance settings not saved: .*flagged lost before it is deleted/.test(error.message),
      );
    }
    assert.equal(await store.settings.get('maintenance'), undefined);
  });

  it("tells each agent its own deadline: the device's limit overrides the fleet's", () => {
    assert.deepEqual(agentMaintenance(THRESHOLDS, null), {
      deleteAfterOfflineMinutes: 30 * 24 * 60,
      restrictLocalUninstall: false,
    });
    assert.equal(agentMaintenance(THRESHOLDS, 5).deleteAfterOfflineMinutes, 5);
    assert.equal(
      agentMaintenance({ ...THRESHOLDS, deleteAfterDays: null }, null).deleteAfterOfflineMinutes,
      null,
    );
  });
});

async function addDeviceWithLimit(
  store: Store,
  name: string,
  maxOfflineMinutes: number,
  enrolledAt: Date = T0,
) {
  const installer = await addInstaller(store);
  const result = await store.devices.enroll({
    installerId: installer.id,
    now: enrolledAt,
    device: {
      id: randomUUID(),
      name,
      publicKey: 'A'.repeat(43),
      inventory: inventory(name),
      enrolledAt,
      maxOfflineMinutes,
    },
  });
  if (!result.ok) throw new Error(result.reason);
  return result.device;
}
