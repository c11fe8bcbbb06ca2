import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addDevice, addSession, addUser, at, T0 } from './test/fixtures.js';

/** The user-account part of the store contract (issue 12), on one engine. */
function defineUserContract(engine: Store['engine'], newDatabase: () => Promise<string>): void {
  describe(`User store contract (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('creates an enabled user without display name, and round-trips every account field', async () => {
      const jo = await addUser(store, 'jo');
      assert.equal(jo.displayName, '');
      assert.equal(jo.disabledAt, null);
      assert.equal(jo.mustChangePassword, false);
      const changed = await store.users.update(jo.id, {
        displayName: 'Jo Martin',
        role: 'administrator',
        disabledAt: at(5),
        mustChangePassword: true,
      });
      assert.deepEqual(changed, {
        ...jo,
        displayName: 'Jo Martin',
        role: 'administrator',
        disabledAt: at(5),
        mustChangePassword: true,
      });
      assert.deepEqual(await store.users.findByUsername('JO'), changed);
      const enabled = await store.users.update(jo.id, { disabledAt: null });
      assert.equal(enabled?.disabledAt, null);
      assert.equal(enabled.displayName, 'Jo Martin', 'fields not given stay');
      assert.equal(await store.users.update(randomUUID(), { role: 'technician' }), undefined);
    });

    it('a new password clears "must change the password"', async () => {
      const jo = await store.users.create({
        id: randomUUID(),
        username: 'jo',
        role: 'technician',
        passwordHash: 'scrypt$first',
        createdAt: T0,
        mustChangePassword: true,
      });
      assert.equal((await store.users.findById(jo.id))?.mustChangePassword, true);
      await store.users.setPasswordHash(jo.id, 'scrypt$chosen', at(60));
      const changed = await store.users.findById(jo.id);
      assert.equal(changed?.mustChangePassword, false);
      assert.equal(changed.passwordHash, 'scrypt$chosen');
    });

    it('a deleted user is gone and their name free, while their recordings keep naming them', async () => {
      const jo = await addUser(store, 'jo');
      await addUser(store, 'kim');
      const device = await addDevice(store, 'pc');
      const session = await addSession(store, { device, user: jo });
      const recording = await store.recordings.create({
        id: randomUUID(),
        sessionId: session.id,
        deviceId: device.id,
        userId: jo.id,
        kind: 'terminal',
        format: 'asciicast-v2',
        path: `${session.id}.cast`,
        startedAt: at(1),
      });

      assert.equal(await store.users.delete(jo.id, at(10)), true);
      assert.equal(await store.users.delete(jo.id, at(11)), false, 'only once');
      assert.equal(await store.users.findById(jo.id), undefined);
      assert.equal(await store.users.findByUsername('jo'), undefined);
      assert.deepEqual(
        (await store.users.list()).map((user) => user.username),
        ['kim'],
      );
      assert.equal(await store.users.count(), 1);
      assert.equal(await store.users.setPasswordHash(jo.id, 'scrypt$x', at(12)), false);
      assert.equal(await store.users.update(jo.id, { role: 'administrator' }), undefined);

      assert.equal((await store.recordings.find(recording.id))?.username, 'jo');
      assert.equal((await store.sessions.find(session.id))?.userId, jo.id);
      const again = await addUser(store, 'JO');
      assert.notEqual(again.id, jo.id);
      await assert.rejects(
        addUser(store, 'jo'),
        (error) => error instanceof AppError && error.code === 'CONFLICT',
      );
    });

    it('two administrators demoting each other at once leave one administrator', async () => {
      const isConflict = (error: unknown) => error instanceof AppError && error.code === 'CONFLICT';
      for (let round = 0; round < 5; round += 1) {
        const ids: string[] = [];
        for (const name of [`a${round}`, `b${round}`]) {
          const user = await addUser(store, name);
          await store.users.update(user.id, { role: 'administrator' });
          ids.push(user.id);
        }
        const results = await Promise.allSettled(
          ids.map((id) =>
            store.users.keepingAnAdministrator((users) => users.update(id, { role: 'technician' })),
          ),
        );
        const refused = results.filter((result) => result.status === 'rejected');
        assert.equal(refused.length, 1, `round ${round}`);
        assert.ok(isConflict(refused[0]?.reason));
        const admins = (await store.users.list()).filter((user) => user.role === 'administrator');
        assert.equal(admins.length, 1, `round ${round}`);
        // The survivor is demoted by the next round's pair, which keeps one of its own.
        await store.users.update(admins[0]?.id ?? '', { role: 'technician' });
      }
    });

    it('a guarded delete of the last administrator changes nothing', async () => {
      const admin = await addUser(store, 'root');
      await store.users.update(admin.id, { role: 'administrator' });
      await assert.rejects(
        store.users.keepingAnAdministrator((users) => users.delete(admin.id, at(1))),
        (error) => error instanceof AppError && error.code === 'CONFLICT',
      );
      assert.equal((await store.users.findById(admin.id))?.role, 'administrator');
    });

    it('signs a user out everywhere, or everywhere but one login', async () => {
      const jo = await addUser(store, 'jo');
      const kim = await addUser(store, 'kim');
      const login = (tokenHash: string, userId: string) =>
        store.authSessions.create({
          tokenHash,
          userId,
          createdAt: T0,
          expiresAt: at(600),
          sourceAddress: '127.0.0.1',
        });
      await login('jo-1', jo.id);
      await login('jo-2', jo.id);
      await login('jo-here', jo.id);
      await login('kim-1', kim.id);
      assert.equal(await store.authSessions.deleteForUser(jo.id, 'jo-here'), 2);
      assert.notEqual(await store.authSessions.findValid('jo-here', T0), undefined);
      assert.equal(await store.authSessions.findValid('jo-1', T0), undefined);
      assert.equal(await store.authSessions.deleteForUser(jo.id), 1);
      assert.notEqual(await store.authSessions.findValid('kim-1', T0), undefined);
    });
  });
}

onEachEngine(defineUserContract);
