import { AppError, normalisePermissions } from '@tether/protocol';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { z } from 'zod';
import { isUniqueViolation } from '../engine.js';
import type { RolesTable } from '../migrations/roles.js';
import type { RoleRecord, RoleRepository } from '../role-repository.js';
import type { Database } from '../schema.js';
import { fromMillis, parseJsonColumn, toMillis } from './columns.js';

/** Folded in JS, like usernames: SQLite's `lower()` folds ASCII only. */
function nameKey(name: string): string {
  return name.toLowerCase();
}

async function uniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new AppError('CONFLICT', `A role named "${name}" already exists. Choose another name.`);
  }
}

/** Custom roles on either engine. */
export function createRoleRepository(db: Kysely<Database>): RoleRepository {
  const findRow = (id: string) =>
    db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
  return {
    async create(role) {
      await uniqueName(role.name, () => db.insertInto('roles').values(toRow(role)).execute());
      return role;
    },
    async find(id) {
      const row = await findRow(id);
      return row && toRecord(row);
    },
    async list() {
      const rows = await db.selectFrom('roles').selectAll().orderBy('name_key').execute();
      return rows.map(toRecord);
    },
    async update(id, changes) {
      const set: Updateable<RolesTable> = { updated_at: toMillis(changes.updatedAt) };
      if (changes.name !== undefined) {
        set.name = changes.name;
        set.name_key = nameKey(changes.name);
      }
      if (changes.description !== undefined) set.description = changes.description;
      if (changes.permissions !== undefined) set.permissions = JSON.stringify(changes.permissions);
      const result = await uniqueName(changes.name ?? '', () =>
        db.updateTable('roles').set(set).where('id', '=', id).executeTakeFirst(),
      );
      if (result.numUpdatedRows === 0n) return undefined;
      const row = await findRow(id);
      return row && toRecord(row);
    },
    delete(id) {
      return db.transaction().execute(async (trx) => {
        // Locks the role's row (PostgreSQL; SQLite has one writer at a time) before counting.
        const locked = await trx
          .updateTable('roles')
          .set((eb) => ({ name_key: eb.ref('name_key') }))
          .where('id', '=', id)
          .executeTakeFirst();
        if (locked.numUpdatedRows === 0n) return { deleted: false, userCount: 0 };
        const { count } = await trx
          .selectFrom('users')
          .where('role', '=', id)
          .where('deleted_at', 'is', null)
          .select((eb) => eb.fn.countAll<number | string>().as('count'))
          .executeTakeFirstOrThrow();
        const userCount = Number(count);
        if (userCount > 0) return { deleted: false, userCount };
        await trx.deleteFrom('roles').where('id', '=', id).execute();
        return { deleted: true, userCount: 0 };
      });
    },
    async userCounts() {
      const rows = await db
        .selectFrom('users')
        .where('deleted_at', 'is', null)
        .groupBy('role')
        .select((eb) => ['role', eb.fn.countAll<number | string>().as('count')])
        .execute();
      return new Map(rows.map((row) => [row.role, Number(row.count)]));
    },
  };
}

function toRow(role: RoleRecord): RolesTable {
  return {
    id: role.id,
    name: role.name,
    name_key: nameKey(role.name),
    description: role.description,
    permissions: JSON.stringify(role.permissions),
    created_at: toMillis(role.createdAt),
    updated_at: toMillis(role.updatedAt),
  };
}

function toRecord(row: Selectable<RolesTable>): RoleRecord {
  // Names a later version no longer knows are dropped, never granted.
  const stored = parseJsonColumn(row.permissions, z.array(z.string()), 'role permissions');
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    permissions: normalisePermissions(stored),
    createdAt: fromMillis(row.created_at),
    updatedAt: fromMillis(row.updated_at),
  };
}
