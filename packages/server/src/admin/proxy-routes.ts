import { proxyEndpoints } from '@tether/protocol';
import type { ServerContext } from '../ports/server-context.js';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import { writeProxySettings } from '../net/proxy-settings.js';

/**
 * Reverse-proxy settings (S-11) on the admin listener. A change applies at once: forwarded
 * headers from the next request, the agents' proof mode from their next connection (agents
 * connected now keep their connection).
 */
export function proxyAdminRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, proxyEndpoints.get, () =>
    Promise.resolve(context.proxy.settings()),
  );
  registerEndpoint(app, context.auth, proxyEndpoints.set, async ({ body, principal, request }) => {
    const before = context.proxy.settings();
    const saved = await writeProxySettings(context.store, body);
    await context.proxy.reload();
    await context.audit.record({
      action: 'settings.changed',
      actor: principal.user.username,
      target: 'proxy',
      sourceAddress: sourceAddress(request),
      details: { ...saved, previous: before },
    });
    if (before.behindProxy !== saved.behindProxy) {
      context.log.warn(
        { behindProxy: saved.behindProxy },
        saved.behindProxy
          ? 'agents’ proofs are no longer bound to the TLS certificate (behind a reverse proxy)'
          : 'agents’ proofs are bound to this server’s TLS certificate again (direct)',
      );
    }
    return saved;
  });
}
