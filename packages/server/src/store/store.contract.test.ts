import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { defineActivityContract } from './test/activity-contract.js';
import { defineDeviceContract } from './test/device-contract.js';
import { defineInstallerAttributeContract } from './test/installer-contract.js';
import { addDevice, addInstaller, addUser, at, T0 } from './test/fixtures.js';

/**
 * One behaviour suite for every engine. `newDatabase` returns the URL of an empty database;
 * each test opens it through `openStore`, so URL routing and migrations are exercised too.
 */
function defineStoreContract(engine: Store['engine'], newDatabase: () => Promise<string>): void {
  describe(`Store contract (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    it('reports its engine', () => {
      assert.equal(store.engine, engine);
    });

    it('keeps data across reopening, and migrating again changes nothing', async () => {
      const url = await newDatabase();
      const first = await openStore(url);
      await addUser(first, 'alice');
      await first.close();
      const second = await openStore(url);
      try {
        assert.equal(await second.users.count(), 1);
      } finally {
        await second.close();
      }
    });

    it('fails every call after close', async () => {
      const url = await newDatabase();
      const closed = await openStore(url);
      await closed.close();
      await closed.close();
      await assert.rejects(closed.users.count());
    });

    describe('users', () => {
      it('round-trips a user and finds it by username case-insensitively', async () => {
        const alice = await addUser(store, 'Alice');
        assert.deepEqual(alice.passwordChangedAt, T0);
        assert.deepEqual(await store.users.findById(alice.id), alice);
        assert.deepEqual(await store.users.findByUsername('aLICE'), alice);
        assert.equal(await store.users.findByUsername('bob'), undefined);
        assert.equal(await store.users.findById(randomUUID()), undefined);
      });

      it('refuses a username that differs only in case with CONFLICT', async () => {
        await addUser(store, 'alice');
        await assert.rejects(
          addUser(store, 'ALICE'),
          (error) => error instanceof AppError && error.code === 'CONFLICT',
        );
        assert.equal(await store.users.count(), 1);
      });

      it('lists and counts users', async () => {
        await addUser(store, 'carol');
        await addUser(store, 'Bob');
        await addUser(store, 'alice');
        assert.deepEqual(
          (await store.users.list()).map((user) => user.username),
          ['alice', 'Bob', 'carol'],
        );
        assert.equal(await store.users.count(), 3);
      });

      it('changes a password hash and its time, and says when there is no such user', async () => {
        const alice = await addUser(store, 'alice');
        assert.equal(await store.users.setPasswordHash(alice.id, 'scrypt$new', at(60)), true);
        const changed = await store.users.findById(alice.id);
        assert.equal(changed?.passwordHash, 'scrypt$new');
        assert.deepEqual(changed.passwordChangedAt, at(60));
        assert.equal(await store.users.setPasswordHash(randomUUID(), 'x', at(60)), false);
      });
    });

    describe('remote sessions', () => {
      it('records the node relaying a session (cluster mode), none when not given', async () => {
        const alice = await addUser(store, 'alice');
        const device = await addDevice(store, 'web-01');
        const base = {
          deviceId: device.id,
          userId: alice.id,
          kind: 'terminal' as const,
          createdAt: T0,
        };
        const [relayed, single] = [randomUUID(), randomUUID()];
        await store.sessions.create({ ...base, id: relayed, nodeId: 'node-a' });
        await store.sessions.create({ ...base, id: single });
        assert.equal(await store.sessions.relayNodeOf(relayed), 'node-a');
        assert.equal(await store.sessions.relayNodeOf(single), undefined);
        assert.equal(await store.sessions.relayNodeOf(randomUUID()), undefined);
      });
    });

    describe('auth sessions', () => {
      it('finds a login only before it expires, and extends it', async () => {
        const alice = await addUser(store, 'alice');
        const login = {
          tokenHash: 'h1',
          userId: alice.id,
          createdAt: T0,
          expiresAt: at(60),
          sourceAddress: '127.0.0.1',
        };
        await store.authSessions.create(login);
        assert.deepEqual(await store.authSessions.findValid('h1', at(59)), login);
        assert.equal(await store.authSessions.findValid('h1', at(60)), undefined);
        await store.authSessions.extend('h1', at(120));
        assert.deepEqual((await store.authSessions.findValid('h1', at(60)))?.expiresAt, at(120));
        await store.authSessions.delete('h1');
        assert.equal(await store.authSessions.findValid('h1', T0), undefined);
      });

      it('deletes all logins of a user and expired logins, returning counts', async () => {
        const alice = await addUser(store, 'alice');
        const bob = await addUser(store, 'bob');
        const login = (tokenHash: string, userId: string, expiresAt: Date) =>
          store.authSessions.create({
            tokenHash,
            userId,
            createdAt: T0,
            expiresAt,
            sourceAddress: '::1',
          });
        await login('a1', alice.id, at(10));
        await login('a2', alice.id, at(100));
        await login('b1', bob.id, at(10));
        await login('b2', bob.id, at(100));
        assert.equal(await store.authSessions.deleteForUser(alice.id), 2);
        assert.equal(await store.authSessions.deleteExpired(at(10)), 1);
        assert.equal(await store.authSessions.findValid('b1', T0), undefined);
        assert.notEqual(await store.authSessions.findValid('b2', T0), undefined);
      });
    });

    describe('installers', () => {
      it('round-trips, lists newest first, and revokes once', async () => {
        const older = await addInstaller(store, { createdAt: T0, maxInstalls: 5 });
        const newer = await addInstaller(store, { createdAt: at(1) });
        assert.deepEqual(await store.installers.find(older.id), {
          ...older,
          installs: 0,
          revokedAt: null,
        });
        assert.deepEqual(
          (await store.installers.list()).map((installer) => installer.id),
          [newer.id, older.id],
        );
        assert.equal(await store.installers.revoke(older.id, at(5)), true);
        assert.equal(await store.installers.revoke(older.id, at(6)), false);
        assert.equal(await store.installers.revoke(randomUUID(), at(6)), false);
        assert.deepEqual((await store.installers.find(older.id))?.revokedAt, at(5));
      });
    });

    defineDeviceContract(() => store);
    defineInstallerAttributeContract(() => store);
    defineActivityContract(() => store);
  });
}

onEachEngine(defineStoreContract);
