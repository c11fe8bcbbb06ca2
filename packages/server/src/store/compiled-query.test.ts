import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { compiledOnce } from './compiled-query.js';

interface Tables {
  t: { id: string; state: string; n: number };
}

function database(): Kysely<Tables> {
  const sqlite = new SqliteDatabase(':memory:');
  sqlite.exec(
    "create table t (id text, state text, n integer); insert into t values ('a', 'on', 1), ('b', 'on', 2), ('c', 'off', 3)",
  );
  return new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });
}

describe('compiledOnce', () => {
  it('binds each call’s arguments in their places, constants staying as built', async () => {
    const db = database();
    const byIdOn = compiledOnce(db, 1, (id) =>
      db.selectFrom('t').select('n').where('state', '=', 'on').where('id', '=', id),
    );
    assert.deepEqual(await byIdOn('a'), [{ n: 1 }]);
    assert.deepEqual(await byIdOn('b'), [{ n: 2 }]);
    assert.deepEqual(await byIdOn('c'), [], 'the constant "on" is still bound');
    const between = compiledOnce(db, 2, (low, high) =>
      db.selectFrom('t').select('id').where('n', '>=', low).where('n', '<=', high).orderBy('id'),
    );
    assert.deepEqual(await between(2, 3), [{ id: 'b' }, { id: 'c' }]);
    await db.destroy();
  });

  it('refuses a query that leaves an argument out, and a call with the wrong number', async () => {
    const db = database();
    const forgetful = compiledOnce(db, 2, (id) =>
      db.selectFrom('t').selectAll().where('id', '=', id),
    );
    await assert.rejects(forgetful('a', 'b'), /every argument must be bound/);
    const one = compiledOnce(db, 1, (id) => db.selectFrom('t').selectAll().where('id', '=', id));
    await assert.rejects(one(), /1 argument/);
    await db.destroy();
  });
});
