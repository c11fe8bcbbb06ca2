import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuditAction } from '@tether/protocol';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { AuditSubjects, DeviceRecord, Store, UserRecord } from './store.js';
import { addDevice, addUser, at, NO_SUBJECTS } from './test/fixtures.js';
import { execInDatabase, renameDeviceInDatabase } from '../../test/support/database-sql.js';

/** The filtered, named audit query (issue 12), on one engine. */
function defineAuditContract(engine: Store['engine'], newDatabase: () => Promise<string>): void {
  describe(`Audit store contract (${engine})`, () => {
    let url = '';
    let store: Store;
    let alice: UserRecord;
    let bob: UserRecord;
    let web: DeviceRecord;
    let db: DeviceRecord;
    const sessionId = randomUUID();

    const append = (
      second: number,
      action: AuditAction,
      subjects: Partial<AuditSubjects>,
      details: Record<string, unknown> = {},
    ) =>
      store.audit.append([
        {
          at: at(second),
          action,
          actor: subjects.user?.name ?? 'system',
          target: subjects.device?.id ?? null,
          sourceAddress: null,
          details,
          subjects: { ...NO_SUBJECTS, ...subjects },
        },
      ]);
    const named = (user: UserRecord) => ({ id: user.id, name: user.username });
    const ofDevice = (device: DeviceRecord) => ({ id: device.id, name: device.name });

    beforeEach(async () => {
      url = await newDatabase();
      store = await openStore(url);
      alice = await addUser(store, 'alice');
      bob = await addUser(store, 'bob');
      web = await addDevice(store, 'web-01');
      db = await addDevice(store, 'db-01');
      await append(0, 'auth.login', { user: named(alice) });
      await append(1, 'session.started', { user: named(alice), device: ofDevice(web), sessionId });
      await append(2, 'session.started', { user: named(bob), device: ofDevice(db) });
      await append(3, 'session.ended', { user: named(alice), device: ofDevice(web), sessionId });
      await append(4, 'device.disconnected', { device: ofDevice(db) }, { note: '50% Off_Sale' });
      await append(5, 'auth.logout', { user: named(bob) });
    });
    afterEach(() => store.close());

    const actionsOf = async (filter: Parameters<Store['audit']['list']>[0]['filter']) =>
      (await store.audit.list({ limit: 100, filter })).map((entry) => entry.action);

    it('each filter narrows to its entries, newest first, and filters combine', async () => {
      assert.deepEqual(await actionsOf({ userId: alice.id }), [
        'session.ended',
        'session.started',
        'auth.login',
      ]);
      assert.deepEqual(await actionsOf({ deviceId: db.id }), [
        'device.disconnected',
        'session.started',
      ]);
      assert.deepEqual(await actionsOf({ actions: ['auth.login', 'auth.logout'] }), [
        'auth.logout',
        'auth.login',
      ]);
      assert.deepEqual(await actionsOf({ from: at(2), until: at(4) }), [
        'session.ended',
        'session.started',
      ]);
      assert.deepEqual(await actionsOf({ userId: alice.id, actions: ['session.started'] }), [
        'session.started',
      ]);
      assert.deepEqual(await actionsOf({ userId: bob.id, deviceId: web.id }), []);
    });

    it('free text matches names and details case-insensitively, and % and _ only themselves', async () => {
      assert.deepEqual(await actionsOf({ text: 'WEB-01' }), ['session.ended', 'session.started']);
      assert.deepEqual(await actionsOf({ text: '50% off_sale' }), ['device.disconnected']);
      assert.deepEqual(await actionsOf({ text: '5_%' }), []);
    });

    it('names come from the users and devices as they are now, ids beside them', async () => {
      await renameDeviceInDatabase(url, web.id, 'web-renamed');
      await store.users.update(alice.id, { displayName: 'Alice Martin' });
      const [ended] = await store.audit.list({ limit: 1, filter: { deviceId: web.id } });
      assert.deepEqual(ended?.device, { id: web.id, name: 'web-renamed' });
      assert.deepEqual(ended.user, {
        id: alice.id,
        username: 'alice',
        displayName: 'Alice Martin',
        isDeleted: false,
      });
      assert.equal(ended.sessionId, sessionId);
      assert.equal(ended.recordingId, null);
      assert.deepEqual(
        (await store.audit.list({ limit: 10, filter: { text: 'web-renamed' } })).length,
        2,
        'free text finds the new name',
      );
    });

    it('a deleted user keeps their name, and their entries stay found by their id', async () => {
      await store.users.delete(alice.id, at(10));
      await addUser(store, 'alice');
      const entries = await store.audit.list({ limit: 10, filter: { userId: alice.id } });
      assert.equal(entries.length, 3);
      for (const entry of entries)
        assert.deepEqual(entry.user, {
          id: alice.id,
          username: 'alice',
          displayName: '',
          isDeleted: true,
        });
    });

    it('entries written before 0010_audit_subjects get their user, device and session on upgrade', async () => {
      // Back to the schema before the migration, with a row as that version wrote it.
      const subjectColumns = ['user_id', 'user_name', 'device_id', 'device_name', 'session_id'];
      await store.close();
      await execInDatabase(url, [
        ...['user_id', 'device_id', 'session_id', 'at'].map((name) => `DROP INDEX audit_${name}`),
        ...[...subjectColumns, 'recording_id'].map(
          (column) => `ALTER TABLE audit DROP COLUMN ${column}`,
        ),
        "DELETE FROM kysely_migration WHERE name = '0010_audit_subjects'",
        `INSERT INTO audit (at, action, actor, target, source_address, details) VALUES
          (${at(20).getTime()}, 'session.started', 'Alice', '${web.id}', NULL, '{"sessionId":"${sessionId}"}'),
          (${at(21).getTime()}, 'device.disconnected', 'device:${db.id}', NULL, NULL, '{}'),
          (${at(22).getTime()}, 'auth.login_failed', 'nobody', NULL, '10.0.0.9', '{"sessionId":"not-an-id"}')`,
      ]);
      store = await openStore(url);
      const [failed, disconnected, started] = await store.audit.list({
        limit: 3,
        filter: { from: at(20) },
      });
      assert.equal(started?.user?.id, alice.id, 'the actor was her username (any case)');
      assert.deepEqual(started.device, { id: web.id, name: 'web-01' });
      assert.equal(started.sessionId, sessionId);
      assert.deepEqual(disconnected?.device, { id: db.id, name: 'db-01' });
      assert.equal(disconnected.user, null);
      assert.equal(failed?.user, null);
      assert.equal(failed.sessionId, null, 'a malformed id is no id');
      const byDevice = await store.audit.list({ limit: 10, filter: { deviceId: web.id } });
      assert.ok(
        byDevice.some((entry) => entry.id === started.id),
        'found through the index',
      );
    });

    it('pages backwards through the filtered entries only', async () => {
      const first = await store.audit.list({ limit: 1, filter: { userId: alice.id } });
      const second = await store.audit.list({
        limit: 5,
        beforeId: first[0]?.id,
        filter: { userId: alice.id },
      });
      assert.deepEqual(
        [...first, ...second].map((entry) => entry.action),
        ['session.ended', 'session.started', 'auth.login'],
      );
    });
  });
}

onEachEngine(defineAuditContract);
