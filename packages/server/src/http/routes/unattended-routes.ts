import type { HttpsApp } from '../https-app.js';
import { unattendedEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { noStore } from '../no-store.js';
import { registerEndpoint } from '../endpoint-route.js';
import { sourceAddress } from '../request-context.js';

/**
 * Unattended access (M-2): create (or replace), list, access file, connect with the password,
 * turn off. A device has at most one live access; turning off revokes all of them.
 */
export function unattendedRoutes(app: HttpsApp, context: ServerContext): void {
  const { unattended } = context;

  registerEndpoint(
    app,
    context.auth,
    unattendedEndpoints.create,
    ({ body, principal, request, reply }) => {
      // The answer carries the one-time password.
      noStore(reply);
      return unattended.create(principal.user, body, sourceAddress(request));
    },
  );

  registerEndpoint(app, context.auth, unattendedEndpoints.list, async ({ query, principal }) => ({
    accesses: await unattended.list(principal.user, query.deviceId),
  }));

  registerEndpoint(
    app,
    context.auth,
    unattendedEndpoints.accessFile,
    async ({ params, principal, reply }) => {
      const { file, fileName } = await unattended.accessFileOf(principal.user, params.id);
      void reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName}"`);
      return `${JSON.stringify(file, null, 2)}\n`;
    },
  );

  registerEndpoint(app, context.auth, unattendedEndpoints.connect, ({ body, principal, request }) =>
    unattended.connect(principal.user, body, sourceAddress(request)),
  );

  // Revoking by session ID turns off the whole device, as the console's "Turn off now" does.
  registerEndpoint(
    app,
    context.auth,
    unattendedEndpoints.revoke,
    ({ params, principal, request }) =>
      unattended.revoke(principal.user, params.id, sourceAddress(request)),
  );

  registerEndpoint(
    app,
    context.auth,
    unattendedEndpoints.turnOff,
    async ({ params, principal, request }) => ({
      revoked: await unattended.turnOff(principal.user, params.id, sourceAddress(request)),
    }),
  );
}
