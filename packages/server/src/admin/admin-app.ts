import { createHttpsApp, type HttpsApp, type HttpsOptions } from '../http/https-app.js';
import { z } from 'zod';
import { TETHER_VERSION } from '@tether/protocol';
import type { ServerContext } from '../ports/server-context.js';
import { installBrowserGuards } from '../http/browser-guard.js';
import { parseInput, requireUser, sourceAddress } from '../http/request-context.js';
import { isLocalhost, type AddressList } from '../net/address-list.js';
import { adminPage } from './admin-page.js';
import {
  loadTrustedNetworkList,
  readTrustedNetworks,
  writeTrustedNetworks,
} from './trusted-networks.js';
import type { MetricsRegistry } from './metrics.js';
import { notificationAdminRoutes } from '../http/routes/notification-routes.js';

const TrustedNetworksBody = z.object({ networks: z.array(z.string().max(64)).max(256) });

/**
 * The admin interface (S-2) on its own listener: `/conf`, plus `/metrics` for Prometheus.
 * Every request is first checked against the socket's address: localhost, or a trusted network.
 * Always TLS, so it is never reached in clear from another machine.
 */
export async function createAdminApp(
  context: ServerContext,
  options: { https: HttpsOptions; metrics: MetricsRegistry; startedAt: Date },
): Promise<{ app: HttpsApp; refreshTrusted(): Promise<void> }> {
  const app = createHttpsApp({
    https: options.https,
    log: context.log.child({ listener: 'admin' }),
  });
  let trusted: AddressList = await loadTrustedNetworkList(context.store);
  const refreshTrusted = async (): Promise<void> => {
    trusted = await loadTrustedNetworkList(context.store);
  };

  app.addHook('onRequest', async (request, reply) => {
    const address = sourceAddress(request);
    if (isLocalhost(address) || trusted.has(address)) return;
    await context.audit.refused({
      action: 'admin.refused',
      actor: address,
      sourceAddress: address,
      target: request.url.split('?')[0] ?? null,
    });
    await reply
      .status(403)
      .type('text/plain')
      .send(
        `The admin interface is not reachable from ${address}. An administrator can allow this network on the server with: tether admin trusted-networks add <address-or-cidr>`,
      );
  });

  // After the network check (so refusals by address are audited first). The admin page has no script and connects nowhere; only its inline style is allowed.
  installBrowserGuards(app, {
    csp: () => "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });

  app.get('/', async (_request, reply) => reply.redirect('/conf'));
  app.get('/conf', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(
      adminPage({
        version: TETHER_VERSION,
        startedAt: options.startedAt,
        devicesOnline: context.presence.size,
        sessionsActive: context.sessions.activeCount,
        publicUrl: context.publicUrl(),
        trustedNetworks: trusted.entries,
      }),
    ),
  );
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await options.metrics.render();
    return reply.type(contentType).send(body);
  });

  app.get('/conf/api/trusted-networks', async (request) => {
    await requireUser(context.auth, request, 'settings.view');
    return { networks: await readTrustedNetworks(context.store) };
  });
  app.put('/conf/api/trusted-networks', async (request) => {
    const principal = await requireUser(context.auth, request, 'settings.manage');
    const body = parseInput(TrustedNetworksBody, request.body, 'trusted networks');
    const networks = await writeTrustedNetworks(context.store, body.networks);
    await refreshTrusted();
    await context.audit.record({
      action: 'settings.changed',
      actor: principal.user.username,
      target: 'admin.trustedNetworks',
      sourceAddress: sourceAddress(request),
      details: { networks },
    });
    return { networks };
  });
  notificationAdminRoutes(app, context);
  return { app, refreshTrusted };
}
