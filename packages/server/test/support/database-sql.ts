import Database from 'better-sqlite3';
import pg from 'pg';
import { parseStoreUrl } from '../../src/store/open-store.js';

/**
 * Runs SQL statements (no parameters: tests write their own literals) on the database behind a
 * store, beside it: for what the store offers no method for, like a past schema.
 */
export async function execInDatabase(url: string, statements: readonly string[]): Promise<void> {
  const location = parseStoreUrl(url);
  if (location.engine === 'sqlite') {
    const db = new Database(location.file);
    try {
      for (const statement of statements) db.exec(statement);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Renames a device in the database behind a store, as an administrator's edit or a future
 * rename would: the store has no rename yet, and the audit must show the name of now anyway.
 */
export function renameDeviceInDatabase(url: string, id: string, name: string): Promise<void> {
  return execInDatabase(url, [
    `UPDATE devices SET name = ${literal(name)} WHERE id = ${literal(id)}`,
  ]);
}
