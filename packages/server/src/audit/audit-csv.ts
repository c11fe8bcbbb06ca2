import type { AuditEntry } from '@tether/protocol';

/** The columns of a CSV export, names beside the ids they stand for. */
export const AUDIT_CSV_HEADER = [
  'id',
  'time',
  'action',
  'user',
  'user display name',
  'user id',
  'device',
  'device id',
  'session id',
  'recording id',
  'actor',
  'target',
  'source address',
  'details',
] as const;

/** Spreadsheets run a cell that starts with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, and prefixed with
 * `'` when a spreadsheet would read it as a formula — names and details are chosen by users
 * and devices, and `=HYPERLINK(…)` in a device name must stay text.
 *
 * @example csvCell('=1+1') // "'=1+1"
 */
export function csvCell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cells(values: readonly string[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** The header line of a CSV export. */
export function auditCsvHeader(): string {
  return cells(AUDIT_CSV_HEADER);
}

/** One entry as a CSV line (CRLF-terminated, as RFC 4180 and spreadsheets expect). */
export function auditCsvRow(entry: AuditEntry): string {
  return cells([
    String(entry.id),
    entry.at,
    entry.action,
    entry.user?.username ?? '',
    entry.user?.displayName ?? '',
    entry.user?.id ?? '',
    entry.device?.name ?? '',
    entry.device?.id ?? '',
    entry.sessionId ?? '',
    entry.recordingId ?? '',
    entry.actor,
    entry.target ?? '',
    entry.sourceAddress ?? '',
    Object.keys(entry.details).length === 0 ? '' : JSON.stringify(entry.details),
  ]);
}
