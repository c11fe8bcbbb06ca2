import type { Kysely } from 'kysely';
import type { Engine } from '../engine.js';

/** Epoch milliseconds. */
type Millis = number;

/** A tenant of the integration API (O-1); `groups` is a JSON array of device group names. */
export interface OemTenantsTable {
  id: string;
  name: string;
  /** `name` folded to lower case; unique. */
  name_key: string;
  groups: string;
  /** `OemCompatibility`: which formats the tenant's devices hand secrets out in. */
  compatibility: string;
  created_at: Millis;
  created_by: string;
}

/** A script token: only the SHA-256 of the token is stored. */
export interface OemTokensTable {
  id: string;
  tenant_id: string;
  name: string;
  token_hash: string;
  /** JSON array of `OemPermission`. */
  permissions: string;
  created_at: Millis;
  created_by: string;
  revoked_at: Millis | null;
}

/** A device's public remote-control ID (`r` + digits). */
export interface OemDevicesTable {
  device_id: string;
  remote_control_id: string;
  assigned_at: Millis;
}

/** Which tenant holds which device key on which device (never the key itself). */
export interface OemDeviceKeysTable {
  device_id: string;
  device_key_id: string;
  tenant_id: string;
  /** JSON array of `DeviceKeyPermission`. */
  permissions: string;
  created_at: Millis;
  created_by: string;
  deleted_at: Millis | null;
}

/** An integrator app's signing key hash (O-5). */
export interface OemAppRegistrationsTable {
  key_id: string;
  tenant_id: string;
  signing_key_sha256: string;
  created_at: Millis;
  created_by: string;
}

declare module '../schema.js' {
  interface Database {
    oem_tenants: OemTenantsTable;
    oem_tokens: OemTokensTable;
    oem_devices: OemDevicesTable;
    oem_device_keys: OemDeviceKeysTable;
    oem_app_registrations: OemAppRegistrationsTable;
  }
}

/** Schema of the oem feature (runs on SQLite and PostgreSQL). */
export async function createOemSchema(db: Kysely<unknown>, _engine: Engine): Promise<void> {
  await db.schema
    .createTable('oem_tenants')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('name_key', 'text', (col) => col.notNull().unique())
    .addColumn('groups', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('oem_tokens')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) =>
      col.notNull().references('oem_tenants.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('permissions', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('oem_tokens_tenant').on('oem_tokens').column('tenant_id').execute();

  await db.schema
    .createTable('oem_devices')
    .addColumn('device_id', 'text', (col) =>
      col.primaryKey().references('devices.id').onDelete('cascade'),
    )
    .addColumn('remote_control_id', 'text', (col) => col.notNull().unique())
    .addColumn('assigned_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('oem_device_keys')
    .addColumn('device_id', 'text', (col) =>
      col.notNull().references('devices.id').onDelete('cascade'),
    )
    .addColumn('device_key_id', 'text', (col) => col.notNull())
    .addColumn('tenant_id', 'text', (col) =>
      col.notNull().references('oem_tenants.id').onDelete('cascade'),
    )
    .addColumn('permissions', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('deleted_at', 'bigint')
    .addPrimaryKeyConstraint('oem_device_keys_pk', ['device_id', 'device_key_id'])
    .execute();
  await db.schema
    .createIndex('oem_device_keys_tenant')
    .on('oem_device_keys')
    .column('tenant_id')
    .execute();

  await db.schema
    .createTable('oem_app_registrations')
    .addColumn('key_id', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) =>
      col.notNull().references('oem_tenants.id').onDelete('cascade'),
    )
    .addColumn('signing_key_sha256', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addUniqueConstraint('oem_app_registrations_key', ['tenant_id', 'signing_key_sha256'])
    .execute();
}

/**
 * Tenants choose the formats their devices hand secrets out in (`OemCompatibility`); existing
 * tenants keep Tether's standard formats.
 */
export async function addTenantCompatibility(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('oem_tenants')
    .addColumn('compatibility', 'text', (col) => col.notNull().defaultTo('standard'))
    .execute();
}
