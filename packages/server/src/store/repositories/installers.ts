import type { Kysely, Selectable } from 'kysely';
import { AppError } from '@tether/protocol';
import { isUniqueViolation } from '../engine.js';
import type { Database, InstallersTable } from '../schema.js';
import type { InstallerRecord, InstallerRepository } from '../store.js';
import { fromMillis, fromMillisOrNull, toMillis } from './columns.js';

/** Installers (enrolment tokens) on either engine. */
export function createInstallerRepository(db: Kysely<Database>): InstallerRepository {
  return {
    async create(installer) {
      const record: InstallerRecord = { ...installer, installs: 0, revokedAt: null };
      try {
        await db
          .insertInto('installers')
          .values({
            id: record.id,
            group_name: record.group,
            comment: record.comment,
            created_at: toMillis(record.createdAt),
            expires_at: toMillis(record.expiresAt),
            max_installs: record.maxInstalls,
            installs: 0,
            revoked_at: null,
            created_by: record.createdBy,
          })
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError('CONFLICT', `An installer with id "${installer.id}" already exists.`);
      }
      return record;
    },
    async find(id) {
      const row = await db
        .selectFrom('installers')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toInstallerRecord(row);
    },
    async list() {
      const rows = await db
        .selectFrom('installers')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toInstallerRecord);
    },
    async revoke(id, at) {
      const result = await db
        .updateTable('installers')
        .set({ revoked_at: toMillis(at) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function toInstallerRecord(row: Selectable<InstallersTable>): InstallerRecord {
  return {
    id: row.id,
    group: row.group_name,
    comment: row.comment,
    createdAt: fromMillis(row.created_at),
    expiresAt: fromMillis(row.expires_at),
    maxInstalls: row.max_installs,
    installs: row.installs,
    revokedAt: fromMillisOrNull(row.revoked_at),
    createdBy: row.created_by,
  };
}
