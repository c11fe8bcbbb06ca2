import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import {
  AppError,
  DEFAULT_INSTALLER_ATTRIBUTES,
  InstallerAttributeName,
  InstallerAttributes,
} from '@tether/protocol';
import { isUniqueViolation } from '../engine.js';
import type { Database, InstallersTable } from '../schema.js';
import type { InstallerRecord, InstallerRepository, InstallerSettings } from '../store.js';
import { fromMillis, fromMillisOrNull, parseJsonColumn, toMillis } from './columns.js';

/** Not strict: keys a later version adds are dropped when an older one reads the row. */
const StoredSettings = z.object(InstallerAttributes.omit({ group: true, comments: true }).shape);
const StoredOverridable = z.array(InstallerAttributeName);
const DEFAULT_SETTINGS: InstallerSettings = StoredSettings.parse(DEFAULT_INSTALLER_ATTRIBUTES);

/** Installers (enrolment tokens) on either engine. */
export function createInstallerRepository(db: Kysely<Database>): InstallerRepository {
  return {
    async create(installer) {
      const record: InstallerRecord = {
        ...installer,
        attributes: installer.attributes ?? DEFAULT_SETTINGS,
        overridable: installer.overridable ?? [],
        installs: 0,
        revokedAt: null,
      };
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
            attributes: JSON.stringify(record.attributes),
            overridable: JSON.stringify(record.overridable),
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
    async extend(id, expiresAt) {
      const row = await db
        .updateTable('installers')
        .set({ expires_at: toMillis(expiresAt) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row && toInstallerRecord(row);
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
    attributes: settingsOf(row),
    overridable:
      row.overridable === null
        ? []
        : parseJsonColumn(row.overridable, StoredOverridable, `overridable of installer ${row.id}`),
  };
}

/** Installers made before attributes existed have the defaults. */
function settingsOf(row: Selectable<InstallersTable>): InstallerSettings {
  if (row.attributes === null) return DEFAULT_SETTINGS;
  return parseJsonColumn(row.attributes, StoredSettings, `attributes of installer ${row.id}`);
}
