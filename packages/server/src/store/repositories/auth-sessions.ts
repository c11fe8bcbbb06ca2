import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AuthSessionsTable, Database } from '../schema.js';
import type { AuthSessionRecord, AuthSessionRepository, LoginRecord } from '../store.js';
import { fromMillis, toMillis } from './columns.js';

/** Console logins on either engine. */
export function createAuthSessionRepository(db: Kysely<Database>): AuthSessionRepository {
  return {
    async create(session) {
      await db
        .insertInto('auth_sessions')
        .values({
          id: randomUUID(),
          token_hash: session.tokenHash,
          user_id: session.userId,
          created_at: toMillis(session.createdAt),
          expires_at: toMillis(session.expiresAt),
          source_address: session.sourceAddress,
        })
        .execute();
    },
    async findValid(tokenHash, now) {
      const row = await db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('expires_at', '>', toMillis(now))
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async extend(tokenHash, expiresAt) {
      await db
        .updateTable('auth_sessions')
        .set({ expires_at: toMillis(expiresAt) })
        .where('token_hash', '=', tokenHash)
        .execute();
    },
    async delete(tokenHash) {
      await db.deleteFrom('auth_sessions').where('token_hash', '=', tokenHash).execute();
    },
    async deleteForUser(userId, exceptTokenHash) {
      let query = db.deleteFrom('auth_sessions').where('user_id', '=', userId);
      if (exceptTokenHash !== undefined) query = query.where('token_hash', '!=', exceptTokenHash);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async deleteExpired(now) {
      const result = await db
        .deleteFrom('auth_sessions')
        .where('expires_at', '<=', toMillis(now))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async listForUser(userId, now) {
      const rows = await db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('expires_at', '>', toMillis(now))
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map((row): LoginRecord => ({ ...toRecord(row), id: row.id }));
    },
    async deleteById(userId, id) {
      const row = await db
        .deleteFrom('auth_sessions')
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .returning('token_hash')
        .executeTakeFirst();
      return row?.token_hash;
    },
  };
}

function toRecord(row: Selectable<AuthSessionsTable>): AuthSessionRecord {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    sourceAddress: row.source_address,
  };
}
