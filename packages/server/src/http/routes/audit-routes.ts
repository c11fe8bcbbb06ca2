import type { HttpsApp } from '../https-app.js';
import { z } from 'zod';
import { AuditAction, type AuditEntry, type AuditPage } from '@tether/protocol';
import type { ServerContext } from '../../app/context.js';
import type { AuditRecord } from '../../store/store.js';
import { parseInput, requireUser } from '../request-context.js';

const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
  action: AuditAction.optional(),
});

function toApiEntry(record: AuditRecord): AuditEntry {
  return { ...record, at: record.at.toISOString() };
}

/** The audit log: administrators read and export it; nobody edits it. */
export function auditRoutes(app: HttpsApp, context: ServerContext): void {
  app.get('/api/v1/audit', async (request): Promise<AuditPage> => {
    await requireUser(context.auth, request, ['administrator']);
    const query = parseInput(PageQuery, request.query, 'audit query');
    const entries = await context.store.audit.list({
      limit: query.limit,
      ...(query.before ? { beforeId: query.before } : {}),
      ...(query.action ? { action: query.action } : {}),
    });
    return { entries: entries.map(toApiEntry) };
  });

  app.get('/api/v1/audit/export', async (request, reply) => {
    await requireUser(context.auth, request, ['administrator']);
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
