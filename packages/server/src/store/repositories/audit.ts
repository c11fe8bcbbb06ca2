import { AuditEntry } from '@tether/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { AuditTable, Database } from '../schema.js';
import type { AuditRecord, AuditRepository } from '../store.js';
import { fromMillis, parseJsonColumn, toMillis } from './columns.js';

/**
 * The append-only audit log on either engine: ids come from the database and only grow; rows
 * leave only by age (retention).
 */
export function createAuditRepository(db: Kysely<Database>): AuditRepository {
  return {
    async append(entry) {
      const row = await db
        .insertInto('audit')
        .values({
          at: toMillis(entry.at),
          action: entry.action,
          actor: entry.actor,
          target: entry.target,
          source_address: entry.sourceAddress,
          details: JSON.stringify(entry.details),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async deleteBefore(cutoff) {
      const result = await db
        .deleteFrom('audit')
        .where('at', '<', toMillis(cutoff))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async list({ limit, beforeId, action }) {
      let query = db.selectFrom('audit').selectAll();
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      if (action !== undefined) query = query.where('action', '=', action);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toRecord);
    },
  };
}

function toRecord(row: Selectable<AuditTable>): AuditRecord {
  return {
    id: row.id,
    at: fromMillis(row.at),
    action: row.action,
    actor: row.actor,
    target: row.target,
    sourceAddress: row.source_address,
    details: parseJsonColumn(
      row.details,
      AuditEntry.shape.details,
      `details of audit entry ${row.id}`,
    ),
  };
}
