import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { startPostgres, type PostgresInstance } from './postgres.js';

/** Defines a store contract's tests for one engine; `newDatabase` gives a fresh, empty one. */
export type DefineContract = (
  engine: 'sqlite' | 'postgres',
  newDatabase: () => Promise<string>,
) => void;

/**
 * Runs a store contract on both engines: SQLite files in a temporary folder, and databases of a
 * private PostgreSQL instance started for the suite and stopped after it.
 *
 * @example
 * onEachEngine(defineUserContract);
 */
export function onEachEngine(define: DefineContract): void {
  describe('SQLite engine', () => {
    let dir = '';
    let count = 0;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tether-store-contract-'));
    });
    after(() => rm(dir, { recursive: true, force: true }));
    define('sqlite', () => {
      count += 1;
      return Promise.resolve(`sqlite:${join(dir, `store-${count}.db`)}`);
    });
  });

  describe('PostgreSQL engine', () => {
    let postgres: PostgresInstance | undefined;
    before(async () => {
      postgres = await startPostgres();
    });
    after(() => postgres?.stop());
    define('postgres', () => {
      if (!postgres) throw new Error('PostgreSQL did not start; see the error of the before hook.');
      return postgres.createDatabase();
    });
  });
}
