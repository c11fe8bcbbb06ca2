import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * Runs SQL straight on a store contract's database (`sqlite:` file or PostgreSQL URL), around
 * the store, to set up what an older version left.
 *
 * @example
 * await runSql(url, ["DELETE FROM kysely_migration WHERE name = '0010_device_groups'"]);
 */
export async function runSql(url: string, statements: string[]): Promise<void> {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length));
    try {
      for (const statement of statements) db.exec(statement);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}
