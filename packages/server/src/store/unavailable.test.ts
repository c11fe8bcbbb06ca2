import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPostgres } from '../../test/support/postgres.js';
import { openPostgresStore } from './postgres.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './unavailable.js';

const withCode = (message: string, code: string): Error =>
  Object.assign(new Error(message), { code });

test('errors of a database out of reach are told apart from errors of a wrong request', () => {
  assert.ok(isDatabaseUnavailable(new DatabaseUnavailableError(new Error('connect ECONNREFUSED'))));
  assert.ok(isDatabaseUnavailable(withCode('terminating connection', '57P01')));
  assert.ok(isDatabaseUnavailable(withCode('connection failure', '08006')));
  assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')));
  // A refused SFTP upload has the same socket code: it is not the database.
  assert.ok(!isDatabaseUnavailable(withCode('connect ECONNREFUSED 10.0.0.9:22', 'ECONNREFUSED')));
  assert.ok(!isDatabaseUnavailable(withCode('duplicate key value', '23505')));
  assert.ok(!isDatabaseUnavailable('ECONNREFUSED'));
});

test('a query while PostgreSQL is stopped fails as unavailable, and works again once it is back', async () => {
  const postgres = await startPostgres();
  try {
    const store = await openPostgresStore({ url: postgres.url, connectTimeoutMs: 2000 });
    try {
      assert.equal(await store.users.findByUsername('nobody'), undefined);
      await postgres.halt();
      await assert.rejects(store.users.findByUsername('nobody'), (error: unknown) =>
        isDatabaseUnavailable(error),
      );
      await postgres.resume();
      assert.equal(await store.users.findByUsername('nobody'), undefined);
    } finally {
      await store.close();
    }
  } finally {
    await postgres.stop();
  }
});
