import { roleEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/**
 * The list of roles: on both listeners, since the admin console's sign-in settings (directory
 * and single sign-on mappings, the second-factor requirement) name roles with it.
 */
export function roleListRoute(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, roleEndpoints.list, async () => ({
    roles: await context.roles.list(),
  }));
}

/** Roles: the built-in ones and custom roles (issue 12). */
export function roleRoutes(app: HttpsApp, context: ServerContext): void {
  const { roles } = context;
  roleListRoute(app, context);
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
