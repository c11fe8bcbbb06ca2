import { z } from 'zod';
import { AuditAction, AuditPage } from '../api/audit.js';
import { DeviceId, Timestamp, UserId } from '../ids.js';
import { endpoint } from './endpoint.js';

/**
 * Actions as a URL value: one, or several separated by commas (`session.started,session.ended`).
 *
 * @example AuditActionList.parse('auth.login,auth.logout') // ['auth.login', 'auth.logout']
 */
export const AuditActionList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  )
  .pipe(z.array(AuditAction).min(1, 'name at least one action'));

/**
 * What narrows the audit log; every filter given must match. The same filters select a page
 * (`GET /api/v1/audit`) and an export (`GET /api/v1/audit/export`), so an export holds exactly
 * the entries the filtered view lists.
 *
 * @example AuditFilterQuery.parse({ device: deviceId, action: 'session.started', from: '2026-01-01T00:00:00Z' })
 */
export const AuditFilterQuery = z.object({
  /** Entries where this user acted (their id; a deleted user's id still works). */
  user: UserId.optional(),
  /** Entries about this device, or that it sent. */
  device: DeviceId.optional(),
  action: AuditActionList.optional(),
  /** Entries at or after this instant. */
  from: Timestamp.optional(),
  /** Entries before this instant. */
  until: Timestamp.optional(),
  /**
   * Text found (case-insensitively) in the actor, target, details or names. It reads every row
   * the other filters leave, so narrow by time or device first on a large log.
   */
  q: z.string().trim().min(1).max(200).optional(),
});
export type AuditFilterQuery = z.input<typeof AuditFilterQuery>;

/** A page of the audit log: newest first, `before` is the id of the oldest entry shown. */
export const AuditQuery = AuditFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
});
export type AuditQuery = z.input<typeof AuditQuery>;

/** Formats of an audit export. */
export const AuditExportFormat = z.enum(['csv', 'json', 'ndjson']);
export type AuditExportFormat = z.infer<typeof AuditExportFormat>;

/** An export of the filtered audit log. */
export const AuditExportQuery = AuditFilterQuery.extend({
  /** `ndjson` when absent (the format of the whole-log export before filters existed). */
  format: AuditExportFormat.default('ndjson'),
});
export type AuditExportQuery = z.input<typeof AuditExportQuery>;

/** The audit log: read and exported by who holds `audit.read`, edited by nobody. */
export const auditEndpoints = {
  list: endpoint({
    id: 'audit.list',
    method: 'GET',
    path: '/api/v1/audit',
    summary: 'Read a page of the audit log',
    description:
      'Newest first, with the names of the user and device of each entry as they are now. Filters combine; `hasMore` says whether older entries match (page on with `before` = the last id).',
    access: { kind: 'user', permission: 'audit.read' },
    subject: 'audit query',
    query: AuditQuery,
    success: { status: 200, body: AuditPage },
    errors: ['INVALID_INPUT'],
  }),
  export: endpoint({
    id: 'audit.export',
    method: 'GET',
    path: '/api/v1/audit/export',
    summary: 'Export the audit log, filtered',
    description:
      "Every entry the filters select, newest first, streamed as a download: `format=csv` (one row an entry, names beside ids; cells a spreadsheet would run as a formula are prefixed with `'`), `json` (an array of entries as `audit.list` gives them) or `ndjson` (one entry a line, the default).",
    access: { kind: 'user', permission: 'audit.read' },
    subject: 'audit export',
    query: AuditExportQuery,
    success: { status: 200, body: undefined, contentType: 'application/x-ndjson' },
    errors: ['INVALID_INPUT'],
  }),
};
