import type { AuditEntry, AuditExportFormat, AuditFilterQuery } from '@tether/protocol';
import type { z } from 'zod';
import type { AuditFilter, AuditReadRecord, Store } from '../store/store.js';
import { auditCsvHeader, auditCsvRow } from './audit-csv.js';

/** Rows read at a time: a large export streams in bounded memory. */
const EXPORT_PAGE = 1000;

/** An entry as the API gives it. */
export function toAuditEntry(record: AuditReadRecord): AuditEntry {
  return { ...record, at: record.at.toISOString() };
}

/** The store's filter from the API's (parsed) query. */
export function auditFilterOf(query: z.output<typeof AuditFilterQuery>): AuditFilter {
  return {
    ...(query.user === undefined ? {} : { userId: query.user }),
    ...(query.device === undefined ? {} : { deviceId: query.device }),
    ...(query.action === undefined ? {} : { actions: query.action }),
    ...(query.from === undefined ? {} : { from: new Date(query.from) }),
    ...(query.until === undefined ? {} : { until: new Date(query.until) }),
    ...(query.q === undefined ? {} : { text: query.q }),
  };
}

/** One page of the filtered log, and whether older entries match too. */
export async function auditPage(
  store: Store,
  options: { limit: number; beforeId?: number; filter: AuditFilter },
): Promise<{ entries: AuditEntry[]; hasMore: boolean }> {
  // One more than asked says whether there is more, without counting millions of rows.
  const records = await store.audit.list({ ...options, limit: options.limit + 1 });
  return {
    entries: records.slice(0, options.limit).map(toAuditEntry),
    hasMore: records.length > options.limit,
  };
}

/** Every entry the filter selects, newest first, read a page at a time. */
async function* filteredEntries(store: Store, filter: AuditFilter): AsyncGenerator<AuditEntry[]> {
  let beforeId: number | undefined;
  for (;;) {
    const page = await store.audit.list({
      limit: EXPORT_PAGE,
      filter,
      ...(beforeId === undefined ? {} : { beforeId }),
    });
    if (page.length > 0) yield page.map(toAuditEntry);
    const last = page.at(-1);
    if (!last || page.length < EXPORT_PAGE) return;
    beforeId = last.id;
  }
}

/**
 * The filtered log as text chunks of one format, a page per chunk: `csv` (header, then a row an
 * entry), `json` (one array) or `ndjson` (an entry a line). The consumer's pace drives the reads.
 *
 * @example
 * Readable.from(auditExport(store, { filter: { deviceId }, format: 'csv' })).pipe(file);
 */
export async function* auditExport(
  store: Store,
  options: { filter: AuditFilter; format: AuditExportFormat },
): AsyncGenerator<string> {
  const { format } = options;
  if (format === 'csv') yield auditCsvHeader();
  if (format === 'json') yield '[';
  let isFirst = true;
  for await (const entries of filteredEntries(store, options.filter)) {
    if (format === 'csv') yield entries.map(auditCsvRow).join('');
    else if (format === 'ndjson')
      yield entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
    else {
      yield `${isFirst ? '\n' : ',\n'}${entries.map((entry) => JSON.stringify(entry)).join(',\n')}`;
      isFirst = false;
    }
  }
  if (format === 'json') yield '\n]\n';
}

const MEDIA_TYPES: Record<AuditExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/** The content type and file name of an export made at `now`. */
export function auditExportFile(
  format: AuditExportFormat,
  now: Date,
): { contentType: string; fileName: string } {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return { contentType: MEDIA_TYPES[format], fileName: `tether-audit-${stamp}.${format}` };
}
