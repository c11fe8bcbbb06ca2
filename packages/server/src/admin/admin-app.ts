import type { ListenerStatus } from '@tether/protocol';
import { createHttpsApp, type HttpsApp, type HttpsOptions } from '../http/https-app.js';
import type { ServerContext } from '../ports/server-context.js';
import { installBrowserGuards } from '../http/browser-guard.js';
import {
  builtConsoleDir,
  consoleCsp,
  CONSOLE_NOT_BUILT,
  serveConsoleFiles,
} from '../http/console-files.js';
import { sourceAddress } from '../http/request-context.js';
import { authRoutes } from '../http/routes/auth-routes.js';
import { passwordChangeRoute } from '../http/routes/user-routes.js';
import { isLocalhost, type AddressList } from '../net/address-list.js';
import type { AdminListener } from './admin-context.js';
import { loadTrustedNetworkList } from './trusted-networks.js';
import type { MetricsRegistry } from './metrics.js';
import { proxyAdminRoutes } from './proxy-routes.js';
import { publicUrlAdminRoutes } from './public-url-routes.js';
import { clusterAdminRoutes } from './cluster-routes.js';
import { serverKeyAdminRoutes } from './server-key-routes.js';
import { signInAdminRoutes } from './sign-in-admin-routes.js';
import { statusRoutes } from './status-routes.js';
import { trustedNetworkRoutes } from './trusted-network-routes.js';
import { portsAdminRoutes } from '../listeners/ports-routes.js';
import { backupAdminRoutes } from './backup-routes.js';
import { tlsAdminRoutes } from './tls-admin-routes.js';
import { notificationAdminRoutes } from '../http/routes/notification-routes.js';
import { upgradeAdminRoutes } from '../upgrades/upgrade-routes.js';
import { buildAdminRoutes } from '../upgrades/build-routes.js';
import { admissionAdminRoutes } from './admission-routes.js';
import { maintenanceAdminRoutes } from '../maintenance/maintenance-routes.js';

/**
 * The admin listener's endpoints, one registration function per area (each keeps its routes in
 * its own file). Every contract registered here has `listener: 'admin'` (a `/conf/api/…` path)
 * or `listener: 'both'`; the contract test checks each listener serves exactly its own.
 */
const ADMIN_ROUTES: readonly ((
  app: HttpsApp,
  context: ServerContext,
  admin: AdminListener,
) => void)[] = [
  // What the admin console needs before its own endpoints: the same handlers as the user
  // listener's, so signing in works alike on both (steps, forced password change).
  authRoutes,
  passwordChangeRoute,
  statusRoutes,
  trustedNetworkRoutes,
  proxyAdminRoutes,
  serverKeyAdminRoutes,
  signInAdminRoutes,
  portsAdminRoutes,
  backupAdminRoutes,
  tlsAdminRoutes,
  notificationAdminRoutes,
  publicUrlAdminRoutes,
  upgradeAdminRoutes,
  buildAdminRoutes,
  admissionAdminRoutes,
  maintenanceAdminRoutes,
  clusterAdminRoutes,
];

/** `/conf` and its pages (History API), but not its API. */
const CONSOLE_PAGE = /^\/conf(?:$|[/?#])(?!api(?:[/?#]|$))/;

/**
 * The admin interface (S-2) on its own listener: the admin console at `/conf` (the console's
 * bundle in admin mode), its API under `/conf/api/`, and `/metrics` for Prometheus. Every
 * request is first checked against the socket's address: localhost, or a trusted network.
 * Always TLS, so it is never reached in clear from another machine.
 */
export async function createAdminApp(
  context: ServerContext,
  options: {
    https: HttpsOptions;
    metrics: MetricsRegistry;
    startedAt: Date;
    /** Both listeners as bound (or not), read when the status is asked for. */
    listeners: () => ListenerStatus[];
  },
): Promise<{ app: HttpsApp; refreshTrusted(): Promise<void> }> {
  const consoleDir = builtConsoleDir(context.consoleDir);
  const app = createHttpsApp({
    https: options.https,
    log: context.log.child({ listener: 'admin' }),
    listener: 'admin',
    fallback: (request, reply) =>
      consoleDir && CONSOLE_PAGE.test(request.url) ? reply.sendFile('index.html') : undefined,
  });
  let trusted: AddressList = await loadTrustedNetworkList(context.store);
  const refreshTrusted = async (): Promise<void> => {
    trusted = await loadTrustedNetworkList(context.store);
  };

  // First of all: a request from elsewhere gets nothing but this refusal, audited.
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

  // After the network check (so refusals by address are audited first); the console's own
  // policy, as strict as on the user listener.
  installBrowserGuards(app, { csp: consoleCsp });

  app.get('/', async (_request, reply) => reply.redirect('/conf'));
  if (!consoleDir)
    app.get('/conf', async (_request, reply) => reply.type('text/plain').send(CONSOLE_NOT_BUILT));
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await options.metrics.render();
    return reply.type(contentType).send(body);
  });

  const admin: AdminListener = {
    startedAt: options.startedAt,
    listeners: options.listeners,
    refreshTrusted,
  };
  for (const routes of ADMIN_ROUTES) routes(app, context, admin);
  if (consoleDir) await serveConsoleFiles(app, consoleDir, { index: false });
  return { app, refreshTrusted };
}
