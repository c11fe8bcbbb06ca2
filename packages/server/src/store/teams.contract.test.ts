import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addDevice, addGroup, addInstaller, addSession, addUser, at, T0 } from './test/fixtures.js';

/** Teams, memberships and grants per device group (issue 12), on one engine. */
function defineTeamContract(engine: Store['engine'], newDatabase: () => Promise<string>): void {
  describe(`Team store contract (${engine})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openStore(await newDatabase());
    });
    afterEach(() => store.close());

    const newTeam = (name: string) => store.teams.create({ id: randomUUID(), name, createdAt: T0 });

    it('creates, lists by name, renames and refuses a name taken in another letter case', async () => {
      const servers = await newTeam('Servers');
      await newTeam('alpha');
      assert.deepEqual(
        (await store.teams.list()).map((team) => team.name),
        ['alpha', 'Servers'],
      );
      await assert.rejects(newTeam('SERVERS'), (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'CONFLICT');
        return true;
      });
      await assert.rejects(store.teams.rename(servers.id, 'Alpha'), AppError);
      const renamed = await store.teams.rename(servers.id, 'Server room');
      assert.equal(renamed?.name, 'Server room');
      assert.equal(await store.teams.rename(randomUUID(), 'x'), undefined);
    });

    it("adds members once, removes them, and sets a user's teams exactly", async () => {
      const a = await newTeam('A');
      const b = await newTeam('B');
      const jo = await addUser(store, 'jo');
      const kim = await addUser(store, 'kim');
      await store.teams.addMember(a.id, kim.id);
      await store.teams.addMember(a.id, jo.id);
      await store.teams.addMember(a.id, jo.id);
      assert.deepEqual(
        (await store.teams.find(a.id))?.members.map((member) => member.username),
        ['jo', 'kim'],
      );
      assert.equal(await store.teams.removeMember(a.id, kim.id), true);
      assert.equal(await store.teams.removeMember(a.id, kim.id), false);
      await store.teams.setMemberships(jo.id, [b.id]);
      assert.deepEqual((await store.teams.find(a.id))?.members, []);
      assert.deepEqual(
        (await store.teams.find(b.id))?.members.map((member) => member.username),
        ['jo'],
      );
    });

    it("a user's grants are their own and their teams'; an empty grant is revoked", async () => {
      const a = await newTeam('A');
      const b = await newTeam('B');
      const jo = await addUser(store, 'jo');
      await store.teams.addMember(a.id, jo.id);
      await store.grants.set(
        { subjectKind: 'team', subjectId: a.id, group: 'Servers', rights: ['terminal'] },
        T0,
      );
      await store.grants.set(
        { subjectKind: 'team', subjectId: b.id, group: 'Laptops', rights: ['files'] },
        T0,
      );
      await store.grants.set(
        { subjectKind: 'user', subjectId: jo.id, group: '*', rights: ['device.view'] },
        T0,
      );
      const mine = await store.grants.forUser(jo.id);
      assert.deepEqual(
        mine.map((grant) => `${grant.group}:${grant.rights.join(',')}`).sort(),
        ['*:device.view', 'Servers:terminal'],
        "team B's grant does not apply to jo",
      );
      await store.grants.set(
        { subjectKind: 'team', subjectId: a.id, group: 'Servers', rights: ['terminal', 'files'] },
        at(1),
      );
      assert.deepEqual((await store.grants.list({ group: 'Servers' }))[0]?.rights, [
        'terminal',
        'files',
      ]);
      await store.grants.set(
        { subjectKind: 'team', subjectId: a.id, group: 'Servers', rights: [] },
        at(2),
      );
      assert.deepEqual(await store.grants.list({ group: 'Servers' }), []);
      assert.equal(await store.grants.any(), true);
    });

    it('renaming a group moves its grants; deleting a team or forgetting a user removes theirs', async () => {
      const a = await newTeam('A');
      const jo = await addUser(store, 'jo');
      await store.teams.addMember(a.id, jo.id);
      await store.grants.set(
        { subjectKind: 'team', subjectId: a.id, group: 'Servers', rights: ['terminal'] },
        T0,
      );
      await store.grants.set(
        { subjectKind: 'user', subjectId: jo.id, group: 'Servers', rights: ['files'] },
        T0,
      );
      // The group's rename rewrites its grants in the same transaction (group-references.ts).
      const servers = await addGroup(store, 'Servers');
      await store.deviceGroups.update(servers.id, { name: 'Data centre' });
      assert.equal((await store.grants.list({ group: 'Data centre' })).length, 2);
      assert.equal(await store.teams.delete(a.id), true);
      assert.equal(await store.teams.delete(a.id), false);
      assert.deepEqual(
        (await store.grants.forUser(jo.id)).map((grant) => grant.subjectKind),
        ['user'],
      );
      await store.teams.forgetUser(jo.id);
      assert.deepEqual(await store.grants.forUser(jo.id), []);
      assert.equal(await store.grants.any(), false);
    });

    it('lists sessions and recordings of the devices of some groups only, within the limit', async () => {
      const jo = await addUser(store, 'jo');
      const servers = await addInstaller(store, { group: 'Servers' });
      const laptops = await addInstaller(store, { group: 'Laptops' });
      const web = await addDevice(store, 'web', servers);
      const mine = await addSession(store, { device: web, user: jo, createdAt: at(1) });
      await store.recordings.create({
        id: randomUUID(),
        sessionId: mine.id,
        deviceId: web.id,
        userId: jo.id,
        kind: 'terminal',
        format: 'asciicast-v2',
        path: `${mine.id}.cast`,
        startedAt: at(1),
      });
      const laptop = await addDevice(store, 'laptop', laptops);
      for (let second = 2; second < 5; second += 1)
        await addSession(store, { device: laptop, user: jo, createdAt: at(second) });
      const ofServers = await store.sessions.list({ limit: 1, groups: ['Servers'] });
      assert.deepEqual(
        ofServers.map((session) => session.id),
        [mine.id],
        'newer sessions of other groups do not use up the limit',
      );
      assert.equal((await store.sessions.list({ limit: 10, groups: [] })).length, 0);
      assert.equal((await store.sessions.list({ limit: 10 })).length, 4);
      const recordings = await store.recordings.list({ limit: 5, groups: ['Servers'] });
      assert.deepEqual(
        recordings.map((recording) => recording.deviceName),
        ['web'],
      );
      assert.deepEqual(await store.recordings.list({ limit: 5, groups: ['Laptops'] }), []);
      await store.unattended.create({
        id: '123456789',
        deviceId: laptop.id,
        mode: 'unattended',
        state: 'waiting',
        passwordHash: 'scrypt$x',
        createdAt: T0,
        createdBy: 'jo',
        expiresAt: at(600),
      });
      assert.deepEqual(await store.unattended.list({ limit: 5, groups: ['Servers'] }), []);
      assert.deepEqual(
        (await store.unattended.list({ limit: 5, groups: ['Laptops'] })).map((access) => access.id),
        ['123456789'],
      );
    });
  });
}

onEachEngine(defineTeamContract);
