import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Store } from '../store.js';
import { addDevice, addSession, addUser, at, NO_SUBJECTS } from './fixtures.js';

/** Sessions, recordings, audit and settings: the store contract's activity part. */
export function defineActivityContract(current: () => Store): void {
  describe('sessions', () => {
    it('moves pending → active → ended, and the first end reason wins', async () => {
      const store = current();
      const session = await addSession(store, {
        device: await addDevice(store, 'pc'),
        user: await addUser(store, 'al'),
      });
      assert.equal(session.state, 'pending');
      assert.equal(await store.sessions.markActive(session.id, at(1)), true);
      assert.equal(await store.sessions.markActive(session.id, at(2)), false);
      assert.equal(await store.sessions.end(session.id, at(3), 'closed by technician'), true);
      assert.equal(await store.sessions.end(session.id, at(4), 'agent disconnected'), false);
      assert.equal(await store.sessions.markActive(session.id, at(5)), false);
      assert.deepEqual(await store.sessions.find(session.id), {
        ...session,
        state: 'ended',
        startedAt: at(1),
        endedAt: at(3),
        endReason: 'closed by technician',
      });
    });

    it('refuses a session for a device that does not exist', async () => {
      const store = current();
      const user = await addUser(store, 'al');
      const missing = { ...(await addDevice(store, 'pc')), id: randomUUID() };
      await assert.rejects(addSession(store, { device: missing, user }));
      assert.deepEqual(await store.sessions.list({ limit: 10 }), []);
    });

    it('lists newest first, filtered by device and state, up to the limit', async () => {
      const store = current();
      const user = await addUser(store, 'al');
      const [pc, mac] = [await addDevice(store, 'pc'), await addDevice(store, 'mac')];
      const s1 = await addSession(store, { device: pc, user, createdAt: at(1) });
      const s2 = await addSession(store, { device: mac, user, createdAt: at(2) });
      const s3 = await addSession(store, { device: pc, user, createdAt: at(3) });
      await store.sessions.end(s1.id, at(4), 'done');
      const ids = (sessions: { id: string }[]) => sessions.map((session) => session.id);
      assert.deepEqual(ids(await store.sessions.list({ limit: 10 })), [s3.id, s2.id, s1.id]);
      assert.deepEqual(ids(await store.sessions.list({ limit: 2 })), [s3.id, s2.id]);
      assert.deepEqual(ids(await store.sessions.list({ limit: 10, deviceId: pc.id })), [
        s3.id,
        s1.id,
      ]);
      assert.deepEqual(
        ids(await store.sessions.list({ limit: 10, states: ['pending', 'active'] })),
        [s3.id, s2.id],
      );
      assert.deepEqual(await store.sessions.list({ limit: 10, states: [] }), []);
    });

    it('ends every open session at start-up and counts them', async () => {
      const store = current();
      const refs = { device: await addDevice(store, 'pc'), user: await addUser(store, 'al') };
      const [open, active, ended] = [
        await addSession(store, refs),
        await addSession(store, refs),
        await addSession(store, refs),
      ];
      await store.sessions.markActive(active.id, at(1));
      await store.sessions.end(ended.id, at(2), 'done');
      assert.equal(await store.sessions.endAllOpen(at(9), 'server restarted'), 2);
      assert.equal((await store.sessions.find(open.id))?.endReason, 'server restarted');
      assert.equal((await store.sessions.find(ended.id))?.endReason, 'done');
    });

    it('a cluster node ends only its own open sessions at start-up, and those of nodes not alive', async () => {
      const store = current();
      const refs = { device: await addDevice(store, 'pc'), user: await addUser(store, 'al') };
      const on = (nodeId: string) =>
        store.sessions.create({
          ...{ id: randomUUID(), deviceId: refs.device.id, userId: refs.user.id },
          ...{ kind: 'terminal', createdAt: at(0), nodeId },
        });
      const [ownSession, liveSession, deadSession, goneSession] = [
        await on('node-own'),
        await on('node-live'),
        await on('node-dead'),
        await on('node-gone'),
      ];
      assert.equal(await store.sessions.endAllOpen(at(1), 'restarted', 'node-own'), 1);
      assert.equal((await store.sessions.find(ownSession.id))?.endReason, 'restarted');
      const live = ['node-live', 'node-own'];
      assert.deepEqual(await store.sessions.endOnDeadNodes(at(5), 'no list', []), []);
      assert.deepEqual(
        (await store.sessions.endOnDeadNodes(at(5), 'relay node died', live))
          .map((ended) => `${ended.id} ${ended.deviceId}`)
          .sort(),
        [deadSession, goneSession].map((ended) => `${ended.id} ${refs.device.id}`).sort(),
      );
      assert.equal((await store.sessions.find(liveSession.id))?.state, 'pending');
      assert.equal((await store.sessions.find(deadSession.id))?.endReason, 'relay node died');
      assert.deepEqual(await store.sessions.endOnDeadNodes(at(6), 'again', live), []);
    });
  });

  describe('recordings', () => {
    it('creates, lists newest first with names, and finishes recordings', async () => {
      const store = current();
      const user = await addUser(store, 'alice');
      const [pc, mac] = [await addDevice(store, 'pc'), await addDevice(store, 'mac')];
      const record = async (device: typeof pc, startedAt: Date) => {
        const session = await addSession(store, { device, user });
        return store.recordings.create({
          id: randomUUID(),
          sessionId: session.id,
          deviceId: device.id,
          userId: user.id,
          kind: 'terminal',
          format: 'asciicast-v2',
          path: `${session.id}.cast`,
          startedAt,
        });
      };
      const first = await record(pc, at(1));
      const second = await record(mac, at(2));
      assert.deepEqual(await store.recordings.find(first.id), {
        ...first,
        deviceName: 'pc',
        username: 'alice',
      });
      assert.deepEqual(
        (await store.recordings.list({ limit: 10 })).map((item) => item.id),
        [second.id, first.id],
      );
      assert.deepEqual(
        (await store.recordings.list({ limit: 10, deviceId: mac.id })).map((item) => item.id),
        [second.id],
      );
      const result = {
        state: 'complete' as const,
        endedAt: at(61),
        durationMs: 60_000,
        sizeBytes: 5_000_000_000,
      };
      await store.recordings.finish(first.id, result);
      assert.deepEqual(await store.recordings.listUnfinished(), [second]);
      assert.deepEqual(await store.recordings.find(first.id), {
        ...first,
        ...result,
        deviceName: 'pc',
        username: 'alice',
      });
    });
  });

  describe('audit', () => {
    it('deletes entries older than the cutoff only, and says how many', async () => {
      const store = current();
      for (let i = 0; i < 4; i += 1)
        await store.audit.append([
          {
            at: at(i),
            action: 'auth.login',
            actor: `user${i}`,
            target: null,
            sourceAddress: null,
            details: {},
            subjects: NO_SUBJECTS,
          },
        ]);
      assert.equal(await store.audit.deleteBefore(at(2)), 2);
      const left = await store.audit.list({ limit: 10 });
      assert.deepEqual(
        left.map((entry) => entry.actor),
        ['user3', 'user2'],
      );
      assert.equal(await store.audit.deleteBefore(at(2)), 0, 'nothing more to delete');
    });

    it('appends with increasing ids and pages newest first', async () => {
      const store = current();
      for (let i = 0; i < 5; i += 1) {
        await store.audit.append([
          {
            at: at(i),
            action: i % 2 === 0 ? 'auth.login' : 'auth.logout',
            actor: 'alice',
            target: i === 0 ? null : `t${i}`,
            sourceAddress: i === 0 ? null : '10.0.0.1',
            details: { attempt: i, nested: { ok: true, list: [1, 'two', null] } },
            subjects: NO_SUBJECTS,
          },
        ]);
      }
      // In the order appended (each entry's `attempt`), from the log read newest first.
      const all = await store.audit.list({ limit: 10 });
      const ids = [...all]
        .sort((a, b) => Number(a.details.attempt) - Number(b.details.attempt))
        .map((entry) => entry.id);
      assert.deepEqual(
        [...ids].sort((a, b) => a - b),
        ids,
      );
      assert.equal(new Set(ids).size, 5);
      const page1 = await store.audit.list({ limit: 2 });
      assert.deepEqual(
        page1.map((entry) => entry.id),
        [ids[4], ids[3]],
      );
      const page2 = await store.audit.list({ limit: 2, beforeId: ids[3] });
      assert.deepEqual(
        page2.map((entry) => entry.id),
        [ids[2], ids[1]],
      );
      const logins = await store.audit.list({ limit: 10, action: 'auth.login' });
      assert.deepEqual(
        logins.map((entry) => entry.id),
        [ids[4], ids[2], ids[0]],
      );
      assert.deepEqual(logins[2], {
        id: ids[0],
        at: at(0),
        action: 'auth.login',
        actor: 'alice',
        target: null,
        sourceAddress: null,
        details: { attempt: 0, nested: { ok: true, list: [1, 'two', null] } },
        user: null,
        device: null,
        sessionId: null,
        recordingId: null,
      });
    });
  });

  describe('audit, appended a batch at a time', () => {
    it('writes every entry of a batch, ids increasing in the order given', async () => {
      const store = current();
      await store.audit.append([]);
      await store.audit.append(
        [0, 1, 2].map((i) => ({
          at: at(i),
          action: 'device.connected',
          actor: `device:d${i}`,
          target: `d${i}`,
          sourceAddress: '10.0.0.9',
          details: { batch: i },
          subjects: NO_SUBJECTS,
        })),
      );
      const entries = await store.audit.list({ limit: 10 });
      assert.deepEqual(
        entries.map((entry) => [entry.actor, entry.details]),
        [
          ['device:d2', { batch: 2 }],
          ['device:d1', { batch: 1 }],
          ['device:d0', { batch: 0 }],
        ],
      );
      assert.ok(entries[0] && entries[1] && entries[0].id > entries[1].id);
    });
  });

  describe('settings', () => {
    it('round-trips JSON values, overwrites, and forgets undefined', async () => {
      const store = current();
      assert.equal(await store.settings.get('statistics'), undefined);
      await store.settings.set('statistics', { intervalSec: 15, enabled: ['cpu'] });
      assert.deepEqual(await store.settings.get('statistics'), {
        intervalSec: 15,
        enabled: ['cpu'],
      });
      await store.settings.set('statistics', ['10.0.0.0/8']);
      assert.deepEqual(await store.settings.get('statistics'), ['10.0.0.0/8']);
      await store.settings.set('flag', false);
      assert.equal(await store.settings.get('flag'), false);
      await store.settings.set('statistics', undefined);
      assert.equal(await store.settings.get('statistics'), undefined);
    });
  });
}
