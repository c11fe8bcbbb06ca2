import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openKyselyStore } from './kysely-store.js';
import { cachingStatements } from './sqlite-statement-cache.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/** How long a write waits for another process's lock (a backup, `tether admin …`) before failing. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) the embedded SQLite database and migrates it.
 *
 * @example
 * const store = await openSqliteStore({ file: '/var/lib/tether/tether.db' });
 * const test = await openSqliteStore({ file: ':memory:' });
 */
export async function openSqliteStore(options: { file: string }): Promise<Store> {
  const { file } = options;
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  try {
    // WAL lets readers (backups, the admin CLI) run beside the server's writer.
    database.pragma('journal_mode = WAL');
    // In WAL mode NORMAL never corrupts the database; a power cut may lose the last commits but a
    // crash of the process loses nothing. FULL would fsync on every commit: one per connecting agent.
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cachingStatements(database) }),
  });
  return openKyselyStore(db, 'sqlite');
}
