import Database from 'better-sqlite3';
import pg from 'pg';
import { parseStoreUrl } from '../../src/store/open-store.js';

/**
 * Renames a device in the database behind a store, as an administrator's edit or a future
 * rename would: the store has no rename yet, and the audit must show the name of now anyway.
 */
export async function renameDeviceInDatabase(url: string, id: string, name: string): Promise<void> {
  const location = parseStoreUrl(url);
  if (location.engine === 'sqlite') {
    const db = new Database(location.file);
    try {
      db.prepare('UPDATE devices SET name = ? WHERE id = ?').run(name, id);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  try {
    await client.query('UPDATE devices SET name = $1 WHERE id = $2', [name, id]);
  } finally {
    await client.end();
  }
}
