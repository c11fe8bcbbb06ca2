import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Engine } from './engine.js';
import { addAuditSubjects } from './migrations/audit.js';
import { createDeviceGroups } from './migrations/device-groups.js';
import { addTenantCompatibility, createOemSchema } from './migrations/oem.js';
import { createPolicySchema } from './migrations/policies.js';
import { createSecondFactorSchema } from './migrations/second-factors.js';
import { createUnattendedSchema, limitUnattendedToOneLive } from './migrations/unattended.js';
import { addUploadTargetSnapshot, createUploadSchema } from './migrations/uploads.js';
import { addUserAccounts, addUserSources } from './migrations/users.js';
import { createRoleSchema } from './migrations/roles.js';
import { addLoginIds } from './migrations/login-ids.js';
import { createTeamSchema } from './migrations/teams.js';
import { createDeviceServerKeys } from './migrations/server-keys.js';
import { addInstallerAttributes } from './migrations/installer-attributes.js';
import { addDeviceLifecycle } from './migrations/device-lifecycle.js';
import { createDeviceWakeAddresses } from './migrations/wake.js';
import { addDeviceListColumns } from './migrations/device-list.js';
import { createAdhocSessions } from './migrations/adhoc-sessions.js';
import { createClusterSchema } from './migrations/cluster.js';
import { createSharedState } from './migrations/shared-state.js';
import type { Database } from './schema.js';

/**
 * Every schema change, in order. Kysely records which ones ran in `kysely_migration`; a name,
 * once released, never changes. Each migration uses the schema builder so it runs unchanged on
 * SQLite and PostgreSQL; the only engine difference is how an auto-increment key is declared.
 */
function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001_initial': { up: (db) => createInitialSchema(db, engine) },
    '0002_policies': { up: (db) => createPolicySchema(db, engine) },
    '0003_uploads': { up: (db) => createUploadSchema(db, engine) },
    '0004_oem': { up: (db) => createOemSchema(db, engine) },
    '0005_unattended': { up: (db) => createUnattendedSchema(db, engine) },
    '0006_oem_tenant_compatibility': { up: (db) => addTenantCompatibility(db) },
    '0007_unattended_one_live': { up: (db) => limitUnattendedToOneLive(db) },
    '0008_upload_targets': { up: (db) => addUploadTargetSnapshot(db) },
    '0009_user_accounts': { up: (db) => addUserAccounts(db) },
    '0010_roles': { up: (db) => createRoleSchema(db) },
    '0010_user_sources': { up: (db) => addUserSources(db) },
    '0010_audit_subjects': { up: (db) => addAuditSubjects(db, engine) },
    '0010_login_ids': { up: (db) => addLoginIds(db) },
    '0010_teams': { up: (db) => createTeamSchema(db) },
    '0010_device_groups': { up: (db) => createDeviceGroups(db) },
    '0010_second_factors': { up: (db) => createSecondFactorSchema(db) },
    '0011_device_server_keys': { up: (db) => createDeviceServerKeys(db) },
    '0012_installer_attributes': { up: (db) => addInstallerAttributes(db) },
    '0013_device_lifecycle': { up: (db) => addDeviceLifecycle(db) },
    '0014_wake': { up: (db) => createDeviceWakeAddresses(db) },
    '0014_devlist': { up: (db) => addDeviceListColumns(db, engine) },
    '0014_adhoc': { up: (db) => createAdhocSessions(db) },
    '0015_cluster': { up: (db) => createClusterSchema(db) },
    '0015_shared_state': { up: (db) => createSharedState(db) },
  };
}

/** The names of every migration this server knows (a backup from a newer server has more). */
export function knownMigrations(): string[] {
  return Object.keys(migrations('sqlite'));
}

/** Runs every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>, engine: Engine): Promise<void> {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations(engine)) };
  // Unordered: a database that missed one migration (a branch merged after a later one ran, or
  // a record removed to replay it) gets it applied instead of refusing to start. Migrations
  // therefore never depend on a later one.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
  throw new Error(`Database migration "${failed}" failed on ${engine}.`, { cause: error });
}

async function createInitialSchema(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('username', 'text', (col) => col.notNull())
    .addColumn('username_key', 'text', (col) => col.notNull().unique())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('password_changed_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('auth_sessions')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('source_address', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('auth_sessions_user_id')
    .on('auth_sessions')
    .column('user_id')
    .execute();
  await db.schema
    .createIndex('auth_sessions_expires_at')
    .on('auth_sessions')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('installers')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('group_name', 'text', (col) => col.notNull())
    .addColumn('comment', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('max_installs', 'integer')
    .addColumn('installs', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('group_name', 'text', (col) => col.notNull())
    .addColumn('public_key', 'text', (col) => col.notNull())
    .addColumn('installer_id', 'text', (col) => col.references('installers.id'))
    .addColumn('inventory', 'text', (col) => col.notNull())
    .addColumn('enrolled_at', 'bigint', (col) => col.notNull())
    .addColumn('last_seen_at', 'bigint')
    .addColumn('stats', 'text')
    .addColumn('stats_at', 'bigint')
    .execute();
  await db.schema.createIndex('devices_name').on('devices').column('name').execute();

  await createActivityTables(db, engine);
}

/** Sessions, recordings, audit and settings: the tables that grow while the server runs. */
async function createActivityTables(db: Kysely<unknown>, engine: Engine): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('device_id', 'text', (col) => col.notNull().references('devices.id'))
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema.createIndex('sessions_created_at').on('sessions').column('created_at').execute();
  await db.schema
    .createIndex('sessions_device_id')
    .on('sessions')
    .columns(['device_id', 'created_at'])
    .execute();
  await db.schema.createIndex('sessions_state').on('sessions').column('state').execute();

  await db.schema
    .createTable('recordings')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('session_id', 'text', (col) => col.notNull().references('sessions.id'))
    .addColumn('device_id', 'text', (col) => col.notNull().references('devices.id'))
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id'))
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('format', 'text', (col) => col.notNull())
    .addColumn('path', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('started_at', 'bigint', (col) => col.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('duration_ms', 'bigint', (col) => col.notNull())
    .addColumn('size_bytes', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('recordings_started_at')
    .on('recordings')
    .column('started_at')
    .execute();
  await db.schema
    .createIndex('recordings_device_id')
    .on('recordings')
    .columns(['device_id', 'started_at'])
    .execute();
  await db.schema.createIndex('recordings_state').on('recordings').column('state').execute();

  // SQLite needs AUTOINCREMENT for ids that never repeat; PostgreSQL spells it as a sequence.
  const audit =
    engine === 'sqlite'
      ? db.schema
          .createTable('audit')
          .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
      : db.schema.createTable('audit').addColumn('id', 'bigserial', (col) => col.primaryKey());
  await audit
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('target', 'text')
    .addColumn('source_address', 'text')
    .addColumn('details', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('audit_action').on('audit').columns(['action', 'id']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .execute();
}
