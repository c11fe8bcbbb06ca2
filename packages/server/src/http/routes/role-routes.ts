import { roleEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/** Roles: the built-in ones and custom roles (issue 12). */
export function roleRoutes(app: HttpsApp, context: ServerContext): void {
  const { roles } = context;
  registerEndpoint(app, context.auth, roleEndpoints.list, async () => ({
    roles: await roles.list(),
  }));
  registerEndpoint(
    app,
    context.auth,
    roleEndpoints.create,
    async ({ body, principal, request }) => ({
      role: await roles.create(body, {
        username: principal.user.username,
        sourceAddress: sourceAddress(request),
      }),
    }),
  );
  registerEndpoint(
    app,
    context.auth,
    roleEndpoints.update,
    async ({ params, body, principal, request }) => ({
      role: await roles.update(params.id, body, {
        username: principal.user.username,
        sourceAddress: sourceAddress(request),
      }),
    }),
  );
  registerEndpoint(app, context.auth, roleEndpoints.remove, ({ params, principal, request }) =>
    roles.delete(params.id, {
      username: principal.user.username,
      sourceAddress: sourceAddress(request),
    }),
  );
}
