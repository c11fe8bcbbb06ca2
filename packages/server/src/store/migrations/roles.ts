import type { Kysely } from 'kysely';

/** Epoch milliseconds (see schema.ts). */
type Millis = number;

/**
 * A custom role (issue 12); built-in roles live in code, not here. `permissions` is a JSON array
 * of permission names. Users reference a role by `id` in `users.role`.
 */
export interface RolesTable {
  id: string;
  name: string;
  /** `name` folded to lower case; unique, so names are unique case-insensitively. */
  name_key: string;
  description: string;
  permissions: string;
  created_at: Millis;
  updated_at: Millis;
}

declare module '../schema.js' {
  interface Database {
    roles: RolesTable;
  }
}

/**
 * Custom roles. The built-in roles keep their names as IDs in `users.role`, so existing users
 * need no change; an index on `users.role` answers "how many users have this role".
 */
export async function createRoleSchema(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('roles')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('name_key', 'text', (col) => col.notNull().unique())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('permissions', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('users_role').on('users').column('role').execute();
}
