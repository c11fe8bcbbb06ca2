import type { Kysely } from 'kysely';

/**
 * User accounts an administrator manages (issue 12): a display name, disabling, "must change the
 * password at next sign-in", and deletion. A deleted user stays as a row (`deleted_at` set, its
 * `username_key` freed): sessions and recordings reference users without cascading, and the
 * recordings list shows the name of whoever recorded.
 */
export async function addUserAccounts(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('display_name', 'text', (col) => col.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('users').addColumn('disabled_at', 'bigint').execute();
  await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();
  await db.schema
    .alterTable('users')
    .addColumn('must_change_password', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
}

/**
 * Where each user comes from (issue 12): Tether's own password, or a directory or single
 * sign-on provider that created the user at first sign-in. Existing users are local.
 */
export async function addUserSources(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('source', 'text', (col) => col.notNull().defaultTo('local'))
    .execute();
}
