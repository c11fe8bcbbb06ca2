import { tlsEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import type { ServerContext } from '../ports/server-context.js';

/** The admin console's TLS editor (S-5): read, preview and change the certificate and protocol. */
export function tlsAdminRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, tlsEndpoints.get, () =>
    Promise.resolve(context.tls.status()),
  );
  registerEndpoint(app, context.auth, tlsEndpoints.preview, ({ body }) =>
    context.tls.preview(body),
  );
  registerEndpoint(app, context.auth, tlsEndpoints.set, ({ body, principal, request }) =>
    context.tls.change(body, {
      username: principal.user.username,
      sourceAddress: sourceAddress(request),
    }),
  );
}
