import { serverKeyEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import type { ServerContext } from '../ports/server-context.js';

/** The server signing keys on the admin listener (S-6): list, rotate, retire. */
export function serverKeyAdminRoutes(app: HttpsApp, context: ServerContext): void {
  const keys = context.serverKeys;
  registerEndpoint(app, context.auth, serverKeyEndpoints.list, async () => ({
    keys: await keys.list(),
  }));
  registerEndpoint(app, context.auth, serverKeyEndpoints.rotate, ({ principal, request }) =>
    keys.rotate({ username: principal.user.username, sourceAddress: sourceAddress(request) }),
  );
  registerEndpoint(
    app,
    context.auth,
    serverKeyEndpoints.retire,
    ({ params, body, principal, request }) =>
      keys.retire(params.fingerprint, {
        confirm: body.confirm === true,
        actor: { username: principal.user.username, sourceAddress: sourceAddress(request) },
      }),
  );
}
