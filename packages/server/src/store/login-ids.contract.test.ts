import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { onEachEngine } from '../../test/support/store-engines.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';
import { addUser, at, T0 } from './test/fixtures.js';
import { runSql } from '../../test/support/run-sql.js';

/** A user's list of sign-ins (issue 12), on one engine. */
function defineLoginContract(engine: Store['engine'], newDatabase: () => Promise<string>): void {
  describe(`Login list contract (${engine})`, () => {
    let store: Store;
    let url: string;
    beforeEach(async () => {
      url = await newDatabase();
      store = await openStore(url);
    });
    afterEach(() => store.close());

    const login = (tokenHash: string, userId: string, createdAt: Date, expiresAt = at(600)) =>
      store.authSessions.create({
        tokenHash,
        userId,
        createdAt,
        expiresAt,
        sourceAddress: '192.0.2.7',
      });

    it("lists a user's valid logins newest first, each with its own ID, and ends one by ID", async () => {
      const jo = await addUser(store, 'jo');
      const kim = await addUser(store, 'kim');
      await login('jo-old', jo.id, T0);
      await login('jo-new', jo.id, at(60));
      await login('jo-expired', jo.id, T0, at(1));
      await login('kim-1', kim.id, T0);
      const listed = await store.authSessions.listForUser(jo.id, at(2));
      assert.deepEqual(
        listed.map((entry) => [entry.tokenHash, entry.sourceAddress, entry.createdAt]),
        [
          ['jo-new', '192.0.2.7', at(60)],
          ['jo-old', '192.0.2.7', T0],
        ],
      );
      const [newest, oldest] = listed;
      assert.ok(newest && oldest && newest.id !== oldest.id);
      assert.match(newest.id, /^[0-9a-f-]{36}$/);

      const kimId = (await store.authSessions.listForUser(kim.id, T0))[0]?.id ?? '';
      assert.equal(await store.authSessions.deleteById(jo.id, kimId), undefined, "not jo's");
      assert.equal(await store.authSessions.deleteById(jo.id, oldest.id), 'jo-old');
      assert.equal(await store.authSessions.findValid('jo-old', T0), undefined);
      assert.notEqual(await store.authSessions.findValid('jo-new', at(60)), undefined);
      assert.equal(await store.authSessions.deleteById(jo.id, oldest.id), undefined, 'gone');
    });

    it('the upgrade gives every login made before it an ID of its own', async () => {
      const jo = await addUser(store, 'jo');
      await store.close();
      await runSql(url, [
        'DROP INDEX auth_sessions_id',
        'ALTER TABLE auth_sessions DROP COLUMN id',
        "DELETE FROM kysely_migration WHERE name = '0010_login_ids'",
        `INSERT INTO auth_sessions (token_hash, user_id, created_at, expires_at, source_address)
         VALUES ('before-1', '${jo.id}', ${T0.getTime()}, ${at(600).getTime()}, '192.0.2.1'),
                ('before-2', '${jo.id}', ${at(1).getTime()}, ${at(600).getTime()}, '192.0.2.2')`,
      ]);
      store = await openStore(url);
      const listed = await store.authSessions.listForUser(jo.id, T0);
      assert.deepEqual(
        listed.map((entry) => entry.tokenHash),
        ['before-2', 'before-1'],
      );
      assert.equal(new Set(listed.map((entry) => entry.id)).size, 2);
      await login('after', jo.id, at(2));
      assert.equal((await store.authSessions.listForUser(jo.id, T0)).length, 3);
    });
  });
}

onEachEngine(defineLoginContract);
