import { auditEndpoints, type AuditEntry } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import type { AuditRecord } from '../../store/store.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';

function toApiEntry(record: AuditRecord): AuditEntry {
  return { ...record, at: record.at.toISOString() };
}

/** The audit log: administrators read and export it; nobody edits it. */
export function auditRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, auditEndpoints.list, async ({ query }) => {
    const entries = await context.store.audit.list({
      limit: query.limit,
      ...(query.before ? { beforeId: query.before } : {}),
      ...(query.action ? { action: query.action } : {}),
    });
    return { entries: entries.map(toApiEntry) };
  });

  registerEndpoint(app, context.auth, auditEndpoints.export, async ({ reply }) => {
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'application/x-ndjson',
      'content-disposition': `attachment; filename="tether-audit-${new Date().toISOString().slice(0, 10)}.ndjson"`,
    });
    let before: number | undefined;
    for (;;) {
      const page = await context.store.audit.list({
        limit: 1000,
        ...(before ? { beforeId: before } : {}),
      });
      for (const entry of page) stream.write(`${JSON.stringify(toApiEntry(entry))}\n`);
      const last = page.at(-1);
      if (!last || page.length < 1000) break;
      before = last.id;
    }
    stream.end();
  });
}
