import { Readable } from 'node:stream';
import { auditEndpoints } from '@tether/protocol';
import {
  auditExport,
  auditExportFile,
  auditFilterOf,
  auditPage,
} from '../../audit/audit-export.js';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';

/** The audit log: who holds `audit.read` reads and exports it; nobody edits it. */
export function auditRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, auditEndpoints.list, ({ query }) =>
    auditPage(context.store, {
      limit: query.limit,
      filter: auditFilterOf(query),
      ...(query.before === undefined ? {} : { beforeId: query.before }),
    }),
  );

  registerEndpoint(app, context.auth, auditEndpoints.export, async ({ query, reply }) => {
    const { contentType, fileName } = auditExportFile(query.format, context.clock.now());
    const chunks = auditExport(context.store, {
      filter: auditFilterOf(query),
      format: query.format,
    });
    // Through the reply (not hijacked), so the security headers of every answer apply; the
    // stream reads the next page only when the client has taken the last one.
    await reply
      .header('content-type', contentType)
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .send(Readable.from(chunks));
  });
}
