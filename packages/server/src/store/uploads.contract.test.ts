import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addDevice, addSession, addUser, at, T0 } from './test/fixtures.js';

const TARGET = 'sftp://rec@files.example:22/srv/tether';
const STORAGE = {
  url: TARGET,
  hostKey: `SHA256:${'A'.repeat(43)}`,
  authentication: 'password' as const,
  credential: '-----BEGIN CMS-----\nMIIB\n-----END CMS-----\n',
};
const QUEUED = { target: TARGET, storage: STORAGE };

async function addRecording(
  store: Store,
  options: { isFinished?: boolean } = {},
): Promise<{ recordingId: string; deviceId: string }> {
  const user = await addUser(store, `user-${randomUUID().slice(0, 8)}`);
  const device = await addDevice(store, 'web-01');
  const session = await addSession(store, { device, user });
  const recording = await store.recordings.create({
    id: randomUUID(),
    sessionId: session.id,
    deviceId: device.id,
    userId: user.id,
    kind: 'terminal',
    format: 'asciicast-v2',
    path: `2024-05/${session.id}.cast`,
    startedAt: T0,
  });
  if (options.isFinished ?? true) {
    await store.recordings.finish(recording.id, {
      state: 'complete',
      endedAt: T0,
      durationMs: 1000,
      sizeBytes: 100,
    });
  }
  return { recordingId: recording.id, deviceId: device.id };
}

function defineUploadContract(engine: string, newDatabase: () => Promise<string>): void {
  describe(`Upload queue store (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('queues a recording once, pending and due at once', async () => {
      const { recordingId, deviceId } = await addRecording(store);
      assert.equal(await store.uploads.enqueue({ recordingId, deviceId, ...QUEUED, at: T0 }), true);
      assert.equal(
        await store.uploads.enqueue({ recordingId, deviceId, ...QUEUED, target: 'x', at: at(5) }),
        false,
      );
      assert.deepEqual(await store.uploads.find(recordingId), {
        recordingId,
        deviceId,
        target: TARGET,
        state: 'pending',
        attempts: 0,
        lastError: null,
        nextAttemptAt: T0,
        createdAt: T0,
        updatedAt: T0,
        completedAt: null,
        remotePath: null,
        sha256: null,
        storage: STORAGE,
        verification: null,
        notice: null,
      });
      assert.deepEqual(await store.uploads.nextDueAt(), T0);
      assert.deepEqual(
        (await store.uploads.listDue(T0, 10)).map((row) => row.recordingId),
        [recordingId],
      );
    });

    it('waits while its recording is still being made: not due, not claimable', async () => {
      const { recordingId, deviceId } = await addRecording(store, { isFinished: false });
      await store.uploads.enqueue({ recordingId, deviceId, ...QUEUED, at: T0 });
      assert.equal(await store.uploads.nextDueAt(), undefined);
      assert.deepEqual(await store.uploads.listDue(at(5), 10), []);
      assert.equal(await store.uploads.claim(recordingId, { at: at(5) }), false);
      await store.recordings.finish(recordingId, {
        state: 'interrupted',
        endedAt: at(6),
        durationMs: 6000,
        sizeBytes: 10,
      });
      assert.deepEqual(await store.uploads.nextDueAt(), T0);
      assert.equal(await store.uploads.claim(recordingId, { at: at(7) }), true);
    });

    it('claims a due row once, then fails it with a retry time, then completes it', async () => {
      const { recordingId, deviceId } = await addRecording(store);
      await store.uploads.enqueue({ recordingId, deviceId, ...QUEUED, at: T0 });
      assert.equal(await store.uploads.claim(recordingId, { at: at(1) }), true);
      assert.equal(await store.uploads.claim(recordingId, { at: at(1) }), false);
      assert.equal(await store.uploads.nextDueAt(), undefined);
      await store.uploads.fail(recordingId, {
        at: at(2),
        error: 'disk full',
        nextAttemptAt: at(10),
      });
      const failed = await store.uploads.find(recordingId);
      assert.equal(failed?.state, 'failed');
      assert.equal(failed.lastError, 'disk full');
      assert.equal(failed.attempts, 1);
      assert.deepEqual(await store.uploads.listDue(at(9), 10), []);
      assert.equal(await store.uploads.claim(recordingId, { at: at(9) }), false, 'not due yet');
      assert.equal(await store.uploads.claim(recordingId, { at: at(10) }), true);
      await store.uploads.complete(recordingId, {
        at: at(11),
        remotePath: '/srv/tether/x.cast',
        sha256: 'ab',
        verification: 'size',
        notice: 'The account may not create the month folder.',
      });
      const done = await store.uploads.find(recordingId);
      assert.equal(done?.state, 'done');
      assert.equal(done.attempts, 2);
      assert.equal(done.lastError, null);
      assert.equal(done.nextAttemptAt, null);
      assert.deepEqual(done.completedAt, at(11));
      assert.equal(done.verification, 'size');
      assert.equal(done.notice, 'The account may not create the month folder.');
      assert.deepEqual(done.storage, STORAGE, 'the storage it was queued for stays');
      assert.equal(await store.uploads.retryNow(recordingId, at(12)), false, 'done stays done');
    });

    it('puts uploads interrupted by a crash back in the queue, and retries a failed one now', async () => {
      const first = await addRecording(store);
      const second = await addRecording(store);
      await store.uploads.enqueue({ ...first, ...QUEUED, at: T0 });
      await store.uploads.enqueue({ ...second, ...QUEUED, at: at(1) });
      await store.uploads.claim(first.recordingId, { at: at(2) });
      await store.uploads.claim(second.recordingId, { at: at(2) });
      await store.uploads.fail(second.recordingId, {
        at: at(3),
        error: 'down',
        nextAttemptAt: at(3600),
      });
      assert.equal(await store.uploads.resetInterrupted(at(4)), 1);
      assert.equal((await store.uploads.find(first.recordingId))?.state, 'pending');
      assert.equal(await store.uploads.retryNow(second.recordingId, at(5)), true);
      assert.deepEqual(
        (await store.uploads.listDue(at(5), 10)).map((row) => row.recordingId),
        [first.recordingId, second.recordingId],
      );
      assert.deepEqual(
        (await store.uploads.list({ limit: 10, states: ['failed'] })).map((row) => row.recordingId),
        [second.recordingId],
      );
      assert.equal((await store.uploads.findMany([first.recordingId, randomUUID()])).length, 1);
    });

    it('a claim is a lease: renewed by its node, taken over by another once it ran out', async () => {
      const queued = await addRecording(store);
      await store.uploads.enqueue({ ...queued, ...QUEUED, at: T0 });
      const id = queued.recordingId;
      const byA = { by: 'node-a', until: at(30) };
      assert.equal(await store.uploads.claim(id, { at: at(1), lease: byA }), true);
      assert.equal(
        await store.uploads.claim(id, { at: at(29), lease: { by: 'node-b', until: at(60) } }),
        false,
      );
      assert.equal(await store.uploads.renew(id, { by: 'node-a', until: at(40) }), true);
      assert.deepEqual(await store.uploads.listDue(at(39), 10), [], 'still held by A');
      assert.deepEqual(await store.uploads.nextDueAt(), at(40), 'due again when the lease ends');
      assert.deepEqual(
        (await store.uploads.listDue(at(41), 10)).map((row) => row.recordingId),
        [id],
      );
      const byB = { by: 'node-b', until: at(71) };
      assert.equal(
        await store.uploads.claim(id, { at: at(41), lease: byB }),
        true,
        'B takes it over',
      );
      assert.equal(await store.uploads.renew(id, { by: 'node-a', until: at(80) }), false);
      const outcome = {
        at: at(42),
        remotePath: '/x',
        sha256: 'ab',
        verification: 'sha256' as const,
        notice: null,
      };
      await store.uploads.complete(id, { ...outcome, by: 'node-a' });
      assert.equal((await store.uploads.find(id))?.state, 'uploading', 'A no longer decides');
      await store.uploads.complete(id, { ...outcome, by: 'node-b' });
      const done = await store.uploads.find(id);
      assert.deepEqual([done?.state, done?.attempts], ['done', 2]);
    });

    it('a node that starts again resumes its own uploads and leaves live ones of other nodes', async () => {
      const [mine, theirs, dead] = [
        await addRecording(store),
        await addRecording(store),
        await addRecording(store),
      ];
      for (const queued of [mine, theirs, dead])
        await store.uploads.enqueue({ ...queued, ...QUEUED, at: T0 });
      await store.uploads.claim(mine.recordingId, {
        at: at(1),
        lease: { by: 'node-a', until: at(30) },
      });
      await store.uploads.claim(theirs.recordingId, {
        at: at(1),
        lease: { by: 'node-b', until: at(30) },
      });
      await store.uploads.claim(dead.recordingId, {
        at: at(1),
        lease: { by: 'node-c', until: at(5) },
      });
      assert.equal(await store.uploads.resetInterrupted(at(10), { onlyOf: 'node-a' }), 2);
      assert.equal((await store.uploads.find(theirs.recordingId))?.state, 'uploading');
      assert.equal((await store.uploads.find(dead.recordingId))?.state, 'pending');
    });
  });
}

onEachEngine(defineUploadContract);
