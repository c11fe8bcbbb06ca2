import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

declare module '../schema.js' {
  interface AuthSessionsTable {
    /**
     * The login's name in the API (issue 12: a user's list of sign-ins): random, not secret,
     * unrelated to the cookie token, so listing and ending logins never shows the token's hash.
     */
    id: string;
  }
}

/**
 * Gives every console login a non-secret ID, so that a user (or an administrator) can list
 * their sign-ins and end one. Logins made before get one here; the column stays nullable in
 * SQL (SQLite cannot add a NOT NULL column without a default) and the repository always sets it.
 */
export async function addLoginIds(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('auth_sessions').addColumn('id', 'text').execute();
  const logins = db as Kysely<{ auth_sessions: { token_hash: string; id: string | null } }>;
  const existing = await logins.selectFrom('auth_sessions').select('token_hash').execute();
  for (const { token_hash } of existing) {
    await logins
      .updateTable('auth_sessions')
      .set({ id: randomUUID() })
      .where('token_hash', '=', token_hash)
      .execute();
  }
  await db.schema
    .createIndex('auth_sessions_id')
    .on('auth_sessions')
    .column('id')
    .unique()
    .execute();
}
