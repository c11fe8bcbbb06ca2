import type { Kysely } from 'kysely';

declare module '../schema.js' {
  interface InstallersTable {
    /**
     * JSON `InstallerAttributes` without `group` (its own column) and `comments` (the `comment`
     * column); null for installers made before attributes existed: the defaults.
     */
    attributes: string | null;
    /** JSON array of the attribute names that may be overridden at install time; null: none. */
    overridable: string | null;
  }
  interface DevicesTable {
    comments: string | null;
    /** JSON array of tags; null: none. */
    tags: string | null;
    max_offline_minutes: number | null;
    /** `active` or `passive`; null for devices enrolled before: active. */
    connection_type: string | null;
    /** `service` or `user`; null: enrolled by hand, mode unknown. */
    install_mode: string | null;
  }
}

/**
 * Installer attributes and the per-attribute override flags, and what a device got
 * from them at enrolment. Plain nullable columns, one ALTER each: SQLite adds one column per
 * statement and cannot add NOT NULL columns without a default; the repositories fill defaults.
 */
export async function addInstallerAttributes(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('installers').addColumn('attributes', 'text').execute();
  await db.schema.alterTable('installers').addColumn('overridable', 'text').execute();
  await db.schema.alterTable('devices').addColumn('comments', 'text').execute();
  await db.schema.alterTable('devices').addColumn('tags', 'text').execute();
  await db.schema.alterTable('devices').addColumn('max_offline_minutes', 'integer').execute();
  await db.schema.alterTable('devices').addColumn('connection_type', 'text').execute();
  await db.schema.alterTable('devices').addColumn('install_mode', 'text').execute();
}
