import { AppError } from '@tether/protocol';
import type { ExpressionBuilder, Kysely, Selectable, Updateable } from 'kysely';
import { isUniqueViolation } from '../engine.js';
import type { Database, UsersTable } from '../schema.js';
import type { UserChanges, UserRecord, UserRepository } from '../store.js';
import { createSecondFactorRepository } from './second-factors.js';
import { fromMillis, fromMillisOrNull, toMillis, toMillisOrNull } from './columns.js';

/**
 * The key that makes usernames unique case-insensitively. Folded in JS rather than with SQL
 * `lower()`, which in SQLite only folds ASCII and so would disagree with PostgreSQL.
 */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/**
 * The key of a deleted user: unique (it holds the id) and never equal to a username's key
 * (usernames have no spaces; PostgreSQL text cannot hold NUL), so the name is free for a new user.
 */
function deletedKey(id: string): string {
  return `deleted user ${id}`;
}

function conflict(username: string): AppError {
  return new AppError(
    'CONFLICT',
    `The username "${username}" is already taken. Choose another one.`,
  );
}

/** Enabled, not deleted administrators. */
function enabledAdministrators(eb: ExpressionBuilder<Database, 'users'>) {
  return eb.and([
    eb('role', '=', 'administrator'),
    eb('disabled_at', 'is', null),
    eb('deleted_at', 'is', null),
  ]);
}

/** Users on either engine. */
export function createUserRepository(db: Kysely<Database>): UserRepository {
  const select = () => db.selectFrom('users').selectAll().where('deleted_at', 'is', null);
  return {
    async create(user) {
      const record: UserRecord = {
        displayName: '',
        mustChangePassword: false,
        source: 'local',
        ...user,
        disabledAt: null,
        passwordChangedAt: user.createdAt,
      };
      try {
        await db.insertInto('users').values(toRow(record)).execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw conflict(user.username);
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
        .where('deleted_at', 'is', null)
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async setPasswordHash(id, passwordHash, at) {
      const result = await db
        .updateTable('users')
        .set({
          password_hash: passwordHash,
          password_changed_at: toMillis(at),
          must_change_password: 0,
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async update(id, changes) {
      const set = toChangedColumns(changes);
      if (Object.keys(set).length > 0) {
        await db
          .updateTable('users')
          .set(set)
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .execute();
      }
      const row = await select().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },
    keepingAnAdministrator(change) {
      return db.transaction().execute(async (trx) => {
        // Locks the enabled administrators' rows (PostgreSQL; SQLite runs one write transaction
        // at a time): a concurrent change waits here, then counts what this one left.
        await trx
          .updateTable('users')
          .set((eb) => ({ role: eb.ref('role') }))
          .where(enabledAdministrators)
          .execute();
        const result = await change(createUserRepository(trx));
        const left = await trx
          .selectFrom('users')
          .where(enabledAdministrators)
          .select((eb) => eb.fn.countAll<number | string>().as('count'))
          .executeTakeFirstOrThrow();
        if (Number(left.count) === 0)
          throw new AppError(
            'CONFLICT',
            'This would leave no enabled administrator. Make another user an administrator first.',
          );
        return result;
      });
    },
    async delete(id, at) {
      const result = await db
        .updateTable('users')
        .set({ deleted_at: toMillis(at), username_key: deletedKey(id) })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      // The row stays for history; what signs in as the user must not.
      await createSecondFactorRepository(db).deleteForUser(id);
      return result.numUpdatedRows > 0n;
    },
  };
}

function toChangedColumns(changes: UserChanges): Updateable<UsersTable> {
  const set: Updateable<UsersTable> = {};
  if (changes.displayName !== undefined) set.display_name = changes.displayName;
  if (changes.role !== undefined) set.role = changes.role;
  if (changes.disabledAt !== undefined) set.disabled_at = toMillisOrNull(changes.disabledAt);
  if (changes.mustChangePassword !== undefined)
    set.must_change_password = changes.mustChangePassword ? 1 : 0;
  return set;
}

function toRow(user: UserRecord): UsersTable {
  return {
    id: user.id,
    username: user.username,
    username_key: usernameKey(user.username),
    display_name: user.displayName,
    role: user.role,
    password_hash: user.passwordHash,
    created_at: toMillis(user.createdAt),
    password_changed_at: toMillis(user.passwordChangedAt),
    disabled_at: toMillisOrNull(user.disabledAt),
    deleted_at: null,
    must_change_password: user.mustChangePassword ? 1 : 0,
    source: user.source,
  };
}

function toRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: fromMillis(row.created_at),
    passwordChangedAt: fromMillis(row.password_changed_at),
    disabledAt: fromMillisOrNull(row.disabled_at),
    mustChangePassword: row.must_change_password === 1,
    source: row.source,
  };
}
