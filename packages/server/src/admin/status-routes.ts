import { serverStatusEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import type { ServerContext } from '../ports/server-context.js';
import type { AdminListener } from './admin-context.js';
import { readServerStatus } from './server-status.js';

/** The admin console's status page. */
export function statusRoutes(app: HttpsApp, context: ServerContext, admin: AdminListener): void {
  registerEndpoint(app, context.auth, serverStatusEndpoints.get, () =>
    readServerStatus(context, admin),
  );
}
