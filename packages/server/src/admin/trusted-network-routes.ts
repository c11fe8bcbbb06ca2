import { trustedNetworkEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import type { ServerContext } from '../ports/server-context.js';
import type { AdminListener } from './admin-context.js';
import { readTrustedNetworks, refuseLockOut, writeTrustedNetworks } from './trusted-networks.js';

/**
 * Who may reach the admin listener besides localhost: read, and replaced as a whole (validated
 * first: one bad entry, or a list that would shut out the administrator making the change, and
 * nothing changes), applied at once and audited.
 */
export function trustedNetworkRoutes(
  app: HttpsApp,
  context: ServerContext,
  admin: AdminListener,
): void {
  registerEndpoint(app, context.auth, trustedNetworkEndpoints.get, async () => ({
    networks: await readTrustedNetworks(context.store),
  }));
  registerEndpoint(
    app,
    context.auth,
    trustedNetworkEndpoints.set,
    async ({ body, principal, request }) => {
      refuseLockOut(body.networks, sourceAddress(request));
      const networks = await writeTrustedNetworks(context.store, body.networks);
      await admin.refreshTrusted();
      await context.audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'admin.trustedNetworks',
        sourceAddress: sourceAddress(request),
        details: { networks },
      });
      return { networks };
    },
  );
}
