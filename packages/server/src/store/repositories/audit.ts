import { AuditEntry } from '@tether/protocol';
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type Kysely,
  type Selectable,
  type SqlBool,
} from 'kysely';
import type { AuditTable, Database } from '../schema.js';
import type { AuditFilter, AuditReadRecord, AuditRecord, AuditRepository } from '../store.js';
import { fromMillis, parseJsonColumn, toMillis } from './columns.js';

/** An entry as the `audit` table's columns. */
function toRow(entry: Omit<AuditRecord, 'id'>): Insertable<AuditTable> {
  const { user, device, sessionId, recordingId } = entry.subjects;
  return {
    at: toMillis(entry.at),
    action: entry.action,
    actor: entry.actor,
    target: entry.target,
    source_address: entry.sourceAddress,
    details: JSON.stringify(entry.details),
    user_id: user?.id ?? null,
    user_name: user?.name ?? null,
    device_id: device?.id ?? null,
    device_name: device?.name ?? null,
    session_id: sessionId,
    recording_id: recordingId,
  };
}

/**
 * The append-only audit log on either engine: ids come from the database and only grow; rows
 * leave only by age (retention). Each row keeps the ids (and names then) of its user, device,
 * session and recording; reading joins the users and devices so names are the current ones.
 */
export function createAuditRepository(db: Kysely<Database>): AuditRepository {
  return {
    async append(entries) {
      if (entries.length === 0) return;
      await db.insertInto('audit').values(entries.map(toRow)).execute();
    },
    async deleteBefore(cutoff) {
      const result = await db
        .deleteFrom('audit')
        .where('at', '<', toMillis(cutoff))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async list({ limit, beforeId, filter = {}, action }) {
      const actions =
        action === undefined ? filter.actions && [...new Set(filter.actions)] : [action];
      const page = (only: AuditFilter) => {
        let query = db
          .selectFrom('audit')
          .leftJoin('users', 'users.id', 'audit.user_id')
          .leftJoin('devices', 'devices.id', 'audit.device_id')
          .selectAll('audit')
          .select([
            'users.username as current_username',
            'users.display_name as current_display_name',
            'users.deleted_at as user_deleted_at',
            'devices.name as current_device_name',
          ])
          .where((eb) => eb.and(conditions(eb, only)));
        if (beforeId !== undefined) query = query.where('audit.id', '<', beforeId);
        return query.orderBy('audit.id', 'desc').limit(limit).execute();
      };
      if (actions === undefined || actions.length <= 1)
        return (await page({ ...filter, actions })).map(toRecord);
      // Several actions: `action IN (…) ORDER BY id DESC` makes both engines read and sort every
      // match (seconds on a million rows); the newest of each action by its index, merged, is
      // the same page at a few milliseconds an action.
      const pages = await Promise.all(actions.map((one) => page({ ...filter, actions: [one] })));
      return pages
        .flat()
        .sort((a, b) => b.id - a.id)
        .slice(0, limit)
        .map(toRecord);
    },
  };
}

type AuditExpressions = ExpressionBuilder<Database, 'audit'>;

/** Columns free text is looked for in: the entry's own and the names it is shown with. */
const TEXT_COLUMNS = [
  'audit.actor',
  'audit.target',
  'audit.details',
  'audit.user_name',
  'audit.device_name',
  'users.display_name',
  'devices.name',
] as const;

/** The filter as SQL conditions; ids and time use the indexes, text reads what is left. */
function conditions(eb: AuditExpressions, filter: AuditFilter): Expression<SqlBool>[] {
  const all: Expression<SqlBool>[] = [];
  if (filter.userId !== undefined) all.push(eb('audit.user_id', '=', filter.userId));
  if (filter.deviceId !== undefined) all.push(eb('audit.device_id', '=', filter.deviceId));
  if (filter.actions !== undefined && filter.actions.length > 0)
    all.push(eb('audit.action', 'in', [...filter.actions]));
  if (filter.from !== undefined) all.push(eb('audit.at', '>=', toMillis(filter.from)));
  if (filter.until !== undefined) all.push(eb('audit.at', '<', toMillis(filter.until)));
  if (filter.text !== undefined) {
    // `lower()` on both sides: SQLite's LIKE ignores (ASCII) case and PostgreSQL's does not; the
    // user's `%`, `_` and `\` are escaped so they match themselves.
    const pattern = `%${filter.text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    all.push(
      eb.or(
        TEXT_COLUMNS.map(
          (column) => sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
        ),
      ),
    );
  }
  return all;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stored id, when it is one (rows filled in from details written before may hold anything). */
function idOrNull(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value : null;
}

interface AuditRow extends Selectable<AuditTable> {
  current_username: string | null;
  current_display_name: string | null;
  user_deleted_at: number | null;
  current_device_name: string | null;
}

function toRecord(row: AuditRow): AuditReadRecord {
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
    user:
      row.user_id === null
        ? null
        : {
            id: row.user_id,
            // The row of a user is kept when they are deleted; the name then is the fallback.
            username: row.current_username ?? row.user_name ?? '',
            displayName: row.current_display_name ?? '',
            isDeleted: row.current_username === null || row.user_deleted_at !== null,
          },
    device:
      row.device_id === null
        ? null
        : { id: row.device_id, name: row.current_device_name ?? row.device_name ?? '' },
    sessionId: idOrNull(row.session_id),
    recordingId: idOrNull(row.recording_id),
  };
}
