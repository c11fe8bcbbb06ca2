import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { AppError, DeviceKeyPermission, OemCompatibility, OemPermission } from '@tether/protocol';
import { compiledOnce, inList } from '../compiled-query.js';
import { batchedLookup } from '../turn-batch.js';
import { isUniqueViolation } from '../engine.js';
import type {
  OemAppRegistrationsTable,
  OemDeviceKeysTable,
  OemTenantsTable,
  OemTokensTable,
} from '../migrations/oem.js';
import type {
  OemAppRegistrationRecord,
  OemDeviceKeyRecord,
  OemRepository,
  OemTenantRecord,
  OemTokenRecord,
} from '../oem-repository.js';
import type { Database } from '../schema.js';
import { fromMillis, fromMillisOrNull, parseJsonColumn, toMillis } from './columns.js';

const Groups = z.array(z.string());
const Permissions = z.array(OemPermission);
const KeyPermissions = z.array(DeviceKeyPermission);

/** Integration API tenants, tokens, remote-control IDs, device keys and app registrations. */
export function createOemRepository(db: Kysely<Database>): OemRepository {
  return { ...tenantsAndTokens(db), ...devicesAndKeys(db) };
}

function tenantsAndTokens(
  db: Kysely<Database>,
): Pick<
  OemRepository,
  | 'createTenant'
  | 'findTenant'
  | 'listTenants'
  | 'setTenantGroups'
  | 'setTenantCompatibility'
  | 'createToken'
  | 'findTokenByHash'
  | 'findToken'
  | 'listTokens'
  | 'revokeToken'
> {
  const tokens = () => db.selectFrom('oem_tokens').selectAll();
  // Every agent connection asks (its app registrations): built once (compiled-query.ts).
  const listTenants = compiledOnce(db, 0, () =>
    db.selectFrom('oem_tenants').selectAll().orderBy('name_key'),
  );
  return {
    async createTenant(tenant) {
      try {
        await db
          .insertInto('oem_tenants')
          .values({
            id: tenant.id,
            name: tenant.name,
            name_key: tenant.name.toLowerCase(),
            groups: JSON.stringify(tenant.groups),
            compatibility: tenant.compatibility,
            created_at: toMillis(tenant.createdAt),
            created_by: tenant.createdBy,
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError('CONFLICT', `A tenant named "${tenant.name}" already exists.`);
      }
      return tenant;
    },
    async findTenant(id) {
      const row = await db
        .selectFrom('oem_tenants')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toTenant(row);
    },
    async listTenants() {
      return (await listTenants()).map(toTenant);
    },
    async setTenantGroups(id, groups) {
      const result = await db
        .updateTable('oem_tenants')
        .set({ groups: JSON.stringify(groups) })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async setTenantCompatibility(id, compatibility) {
      const result = await db
        .updateTable('oem_tenants')
        .set({ compatibility })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async createToken(token) {
      await db
        .insertInto('oem_tokens')
        .values({
          id: token.id,
          tenant_id: token.tenantId,
          name: token.name,
          token_hash: token.tokenHash,
          permissions: JSON.stringify(token.permissions),
          created_at: toMillis(token.createdAt),
          created_by: token.createdBy,
          revoked_at: null,
        })
        .execute();
      return token;
    },
    async findTokenByHash(tokenHash) {
      const row = await tokens().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row && toToken(row);
    },
    async findToken(id) {
      const row = await tokens().where('id', '=', id).executeTakeFirst();
      return row && toToken(row);
    },
    async listTokens(tenantId) {
      const rows = await tokens()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toToken);
    },
    async revokeToken(id, at) {
      const result = await db
        .updateTable('oem_tokens')
        .set({ revoked_at: toMillis(at) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function devicesAndKeys(
  db: Kysely<Database>,
): Omit<OemRepository, keyof ReturnType<typeof tenantsAndTokens>> {
  const keys = () => db.selectFrom('oem_device_keys').selectAll().where('deleted_at', 'is', null);
  // Every agent connection asks (its welcome carries the id): built once (compiled-query.ts).
  const findRemoteControlId = compiledOnce(db, 1, (deviceId) =>
    db
      .selectFrom('oem_devices')
      .select(['device_id', 'remote_control_id'])
      .where('device_id', '=', deviceId),
  );
  // Every agent's welcome carries it: a reconnect storm reads a few hundred at a time.
  const remoteControlIdOf = batchedLookup({
    one: (deviceId) => findRemoteControlId(deviceId),
    many: (deviceIds) =>
      db
        .selectFrom('oem_devices')
        .select(['device_id', 'remote_control_id'])
        .where('device_id', 'in', inList(deviceIds))
        .execute(),
    keyOf: (row) => row.device_id,
  });
  return {
    async findRemoteControlId(deviceId) {
      const [row] = await remoteControlIdOf(deviceId);
      return row?.remote_control_id;
    },
    async findDeviceIdByRemoteControlId(remoteControlId) {
      const row = await db
        .selectFrom('oem_devices')
        .select('device_id')
        .where('remote_control_id', '=', remoteControlId)
        .executeTakeFirst();
      return row?.device_id;
    },
    async assignRemoteControlId({ deviceId, remoteControlId, at }) {
      await db
        .insertInto('oem_devices')
        .values({
          device_id: deviceId,
          remote_control_id: remoteControlId,
          assigned_at: toMillis(at),
        })
        .onConflict((conflict) => conflict.doNothing())
        .execute();
      const row = await db
        .selectFrom('oem_devices')
        .select('remote_control_id')
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      return row?.remote_control_id;
    },
    async addDeviceKey(key) {
      try {
        await db
          .insertInto('oem_device_keys')
          .values({
            device_id: key.deviceId,
            device_key_id: key.deviceKeyId,
            tenant_id: key.tenantId,
            permissions: JSON.stringify(key.permissions),
            created_at: toMillis(key.createdAt),
            created_by: key.createdBy,
            deleted_at: null,
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError('CONFLICT', 'The device reported a device key ID it had used before.');
      }
    },
    async findDeviceKey(deviceId, deviceKeyId) {
      const row = await keys()
        .where('device_id', '=', deviceId)
        .where('device_key_id', '=', deviceKeyId)
        .executeTakeFirst();
      return row && toDeviceKey(row);
    },
    async markDeviceKeyDeleted(deviceId, deviceKeyId, at) {
      const result = await db
        .updateTable('oem_device_keys')
        .set({ deleted_at: toMillis(at) })
        .where('device_id', '=', deviceId)
        .where('device_key_id', '=', deviceKeyId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async listDeviceKeys(tenantId) {
      const rows = await keys()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at')
        .orderBy('device_key_id')
        .execute();
      return rows.map(toDeviceKey);
    },
    async addAppRegistration(registration) {
      try {
        await db
          .insertInto('oem_app_registrations')
          .values({
            key_id: registration.keyId,
            tenant_id: registration.tenantId,
            signing_key_sha256: registration.signingKeySha256,
            created_at: toMillis(registration.createdAt),
            created_by: registration.createdBy,
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError(
          'CONFLICT',
          'This app signing key is already registered for the tenant.',
        );
      }
    },
    async listAppRegistrations(tenantId) {
      const rows = await db
        .selectFrom('oem_app_registrations')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at')
        .orderBy('key_id')
        .execute();
      return rows.map(toAppRegistration);
    },
  };
}

function toTenant(row: Selectable<OemTenantsTable>): OemTenantRecord {
  return {
    id: row.id,
    name: row.name,
    groups: parseJsonColumn(row.groups, Groups, 'tenant groups'),
    // A value this version does not know (written by a newer one) falls back to the standard.
    compatibility: OemCompatibility.catch('standard').parse(row.compatibility),
    createdAt: fromMillis(row.created_at),
    createdBy: row.created_by,
  };
}

function toToken(row: Selectable<OemTokensTable>): OemTokenRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    tokenHash: row.token_hash,
    permissions: parseJsonColumn(row.permissions, Permissions, 'token permissions'),
    createdAt: fromMillis(row.created_at),
    createdBy: row.created_by,
    revokedAt: fromMillisOrNull(row.revoked_at),
  };
}

function toDeviceKey(row: Selectable<OemDeviceKeysTable>): OemDeviceKeyRecord {
  return {
    deviceId: row.device_id,
    deviceKeyId: row.device_key_id,
    tenantId: row.tenant_id,
    permissions: parseJsonColumn(row.permissions, KeyPermissions, 'device key permissions'),
    createdAt: fromMillis(row.created_at),
    createdBy: row.created_by,
  };
}

function toAppRegistration(row: Selectable<OemAppRegistrationsTable>): OemAppRegistrationRecord {
  return {
    keyId: row.key_id,
    tenantId: row.tenant_id,
    signingKeySha256: row.signing_key_sha256,
    createdAt: fromMillis(row.created_at),
    createdBy: row.created_by,
  };
}
