import { directoryEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/** LDAP and RADIUS directories, set and tested by administrators (issue 12). */
export function directoryRoutes(app: HttpsApp, context: ServerContext): void {
  const { directories, audit } = context;
  registerEndpoint(app, context.auth, directoryEndpoints.list, () => directories.list());
  registerEndpoint(
    app,
    context.auth,
    directoryEndpoints.replace,
    async ({ body, principal, request }) => {
      const result = await directories.replace(body.directories);
      await audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'directories',
        sourceAddress: sourceAddress(request),
        // Names and order only: secrets and filters stay out of the audit log.
        details: {
          directories: body.directories.map(({ id, type, enabled }) => ({ id, type, enabled })),
        },
      });
      return result;
    },
  );
  registerEndpoint(
    app,
    context.auth,
    directoryEndpoints.test,
    async ({ params, body, principal, request }) => {
      const result = await directories.test(params.id, body);
      await audit.record({
        action: 'directory.tested',
        actor: principal.user.username,
        target: params.id,
        sourceAddress: sourceAddress(request),
        details: { username: body.username, outcome: result.outcome },
      });
      return result;
    },
  );
}
