import {
  auditEndpoints,
  type AuditAction,
  type AuditEntry,
  type AuditExportFormat,
  type AuditPage,
} from '@tether/protocol';
import { callEndpoint, callEndpointText, endpointRequest } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** What narrows the audit log; every filter given must match. */
export interface AuditFilter {
  /** A user's id: entries where they acted. */
  user?: string;
  /** A device's id: entries about it or sent by it. */
  device?: string;
  /** One or several actions. */
  actions?: readonly AuditAction[];
  /** At or after this instant. */
  from?: Date | string;
  /** Before this instant. */
  until?: Date | string;
  /** Text in the actor, target, details or names (case-insensitive). */
  text?: string;
}

/** A page of `listAudit`: newest first, `before` is the id of the oldest entry already shown. */
export interface AuditQuery extends AuditFilter {
  limit?: number;
  before?: number;
}

/** The audit calls of the API client; they need the `audit.read` permission. */
export interface AuditClient {
  /** A page of the filtered log (entries with user and device names). */
  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;
  /** The same page, and whether older entries match (`hasMore`). */
  listAuditPage(query?: AuditQuery): Promise<AuditPage>;
  /** URL of the export of the filtered log (for a download link); NDJSON unless `format`. */
  auditExportUrl(filter?: AuditFilter, format?: AuditExportFormat): string;
  /** The export of the filtered log as text. */
  exportAudit(filter?: AuditFilter, format?: AuditExportFormat): Promise<string>;
}

const instant = (value: Date | string | undefined) =>
  value instanceof Date ? value.toISOString() : value;

/** The filter as the contract's query (absent filters stay out of the URL). */
function filterQuery(filter: AuditFilter) {
  return {
    user: filter.user,
    device: filter.device,
    action: filter.actions?.length ? filter.actions.join(',') : undefined,
    from: instant(filter.from),
    until: instant(filter.until),
    q: filter.text === '' ? undefined : filter.text,
  };
}

/**
 * The audit calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const { entries, hasMore } = await api.listAuditPage({ device: deviceId, actions: ['session.started'] });
 * link.href = api.auditExportUrl({ device: deviceId }, 'csv');
 */
export function createAuditClient(transport: HttpTransport): AuditClient {
  const listAuditPage = (query: AuditQuery = {}) =>
    callEndpoint(transport, auditEndpoints.list, {
      query: { ...filterQuery(query), limit: query.limit, before: query.before },
    });
  const exportRequest = (filter: AuditFilter, format: AuditExportFormat | undefined) => ({
    query: { ...filterQuery(filter), format },
  });
  return {
    listAuditPage,
    listAudit: async (query) => (await listAuditPage(query)).entries,
    auditExportUrl: (filter = {}, format) =>
      `${transport.baseUrl}${endpointRequest(auditEndpoints.export, exportRequest(filter, format)).path}`,
    exportAudit: (filter = {}, format) =>
      callEndpointText(transport, auditEndpoints.export, exportRequest(filter, format)),
  };
}
