import { AppError } from '@tether/protocol';
import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation } from '../engine.js';
import type { Database, UsersTable } from '../schema.js';
import type { UserRecord, UserRepository } from '../store.js';
import { fromMillis, toMillis } from './columns.js';

/**
 * The key that makes usernames unique case-insensitively. Folded in JS rather than with SQL
 * `lower()`, which in SQLite only folds ASCII and so would disagree with PostgreSQL.
 */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/** Users on either engine. */
export function createUserRepository(db: Kysely<Database>): UserRepository {
  const select = () => db.selectFrom('users').selectAll();
  return {
    async create(user) {
      const record: UserRecord = { ...user, passwordChangedAt: user.createdAt };
      try {
        await db.insertInto('users').values(toRow(record)).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError(
          'CONFLICT',
          `The username "${user.username}" is already taken. Choose another one.`,
        );
      }
      return record;
    },
    async findById(id) {
      const row = await select().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    async findByUsername(username) {
      const row = await select()
        .where('username_key', '=', usernameKey(username))
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async list() {
      const rows = await select().orderBy('username_key').execute();
      return rows.map(toRecord);
    },
    async count() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async setPasswordHash(id, passwordHash, at) {
      const result = await db
        .updateTable('users')
        .set({ password_hash: passwordHash, password_changed_at: toMillis(at) })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function toRow(user: UserRecord): UsersTable {
  return {
    id: user.id,
    username: user.username,
    username_key: usernameKey(user.username),
    role: user.role,
    password_hash: user.passwordHash,
    created_at: toMillis(user.createdAt),
    password_changed_at: toMillis(user.passwordChangedAt),
  };
}

function toRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: fromMillis(row.created_at),
    passwordChangedAt: fromMillis(row.password_changed_at),
  };
}
