import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { cachingStatements } from './sqlite-statement-cache.js';

describe('cachingStatements', () => {
  it('prepares each SQL text once, and the statement still sees later writes', () => {
    const database = new SqliteDatabase(':memory:');
    const db = cachingStatements(database);
    db.prepare('create table t (n integer)').run([]);
    const insert = db.prepare('insert into t (n) values (?)');
    insert.run([1]);
    assert.equal(db.prepare('insert into t (n) values (?)'), insert);
    db.prepare('insert into t (n) values (?)').run([2]);
    assert.deepEqual(db.prepare('select n from t order by n').all([]), [{ n: 1 }, { n: 2 }]);
    db.close();
    assert.equal(database.open, false);
  });

  it('gives a second copy while the cached statement is still being iterated', () => {
    const db = cachingStatements(new SqliteDatabase(':memory:'));
    db.prepare('create table t (n integer)').run([]);
    for (const n of [1, 2, 3]) db.prepare('insert into t (n) values (?)').run([n]);
    const select = 'select n from t order by n';
    const outer = db.prepare(select).iterate([]);
    const pairs: string[] = [];
    for (const row of outer) {
      const inner = db.prepare(select).all([]) as { n: number }[];
      pairs.push(`${(row as { n: number }).n}:${inner.length}`);
    }
    assert.deepEqual(pairs, ['1:3', '2:3', '3:3']);
    db.close();
  });
});
