import { healthEndpoints } from '@tether/protocol';
import { createHttpsApp, type HttpsApp, type HttpsOptions } from './https-app.js';
import type { ServerContext } from '../ports/server-context.js';
import { agentRoutes } from './routes/agent-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { deviceRoutes } from './routes/device-routes.js';
import { installerRoutes } from './routes/installer-routes.js';
import { agentPackageRoutes } from './routes/agent-package-routes.js';
import { oemRoutes } from './routes/oem-routes.js';
import { openApiRoutes } from './routes/openapi-routes.js';
import { policyRoutes } from './routes/policy-routes.js';
import { recordingRoutes } from './routes/recording-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { sessionInvitationRoutes } from './routes/session-invitation-routes.js';
import { settingsRoutes } from './routes/settings-routes.js';
import { groupStatisticsRoutes } from './routes/group-statistics-routes.js';
import { deviceUpgradeRoutes } from '../upgrades/device-upgrade-routes.js';
import { storageRoutes } from './routes/storage-routes.js';
import { unattendedRoutes } from './routes/unattended-routes.js';
import { adhocSessionRoutes } from './routes/adhoc-session-routes.js';
import { roleRoutes } from './routes/role-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { userImportRoutes } from './routes/user-import-routes.js';
import { signInRoutes } from './routes/sign-in-routes.js';
import { teamRoutes } from './routes/team-routes.js';
import { deviceGroupRoutes } from './routes/device-group-routes.js';
import { deviceLifecycleRoutes } from './routes/device-lifecycle-routes.js';
import { secondFactorRoutes } from './routes/second-factor-routes.js';
import { ssoRoutes } from './routes/sso-routes.js';
import { upgradeDownloadRoutes } from '../upgrades/upgrade-routes.js';
import { wakeRoutes } from './routes/wake-routes.js';
import { installBrowserGuards } from './browser-guard.js';
import { resolveClientAddresses } from './client-address.js';
import { registerEndpoint } from './endpoint-route.js';
import {
  builtConsoleDir,
  consoleCsp,
  CONSOLE_NOT_BUILT,
  serveConsoleFiles,
} from './console-files.js';

/** The SAML assertion consumer service of any provider. */
const SAML_ACS = /^\/api\/v1\/auth\/sso\/[a-z0-9-]+\/acs(\?|$)/;

/**
 * The user listener's HTTP application: REST API, agent enrolment and the console's files.
 * TLS options come from the caller; WebSocket upgrades are attached to `app.server` by ws/.
 */
export async function createUserApp(
  context: ServerContext,
  https: HttpsOptions,
): Promise<HttpsApp> {
  const consoleDir = builtConsoleDir(context.consoleDir);
  const app = createHttpsApp({
    https,
    log: context.log.child({ listener: 'user' }),
    // The console routes with the History API: unknown non-API paths get the app. The admin
    // console's paths are the admin listener's: here they are not found.
    fallback: (request, reply) =>
      consoleDir &&
      !request.url.startsWith('/api/') &&
      !request.url.startsWith('/relay/') &&
      !isAdminConsolePath(request.url)
        ? reply.sendFile('index.html')
        : undefined,
  });
  // First, so every later hook and route reads the forwarded client address (S-11).
  resolveClientAddresses(app, () => context.proxy.trust());

  installBrowserGuards(app, {
    publicUrl: () => context.publicUrl(),
    csp: consoleCsp,
    // SAML's HTTP-POST binding: the IdP's page posts the signed response cross-site. What it
    // may do is checked there (signature, our request, this browser's binding cookie).
    crossSitePost: (url) => SAML_ACS.test(url),
  });

  registerEndpoint(app, context.auth, healthEndpoints.check, () =>
    Promise.resolve({ ok: true as const }),
  );
  for (const routes of [
    authRoutes,
    deviceRoutes,
    sessionRoutes,
    sessionInvitationRoutes,
    unattendedRoutes,
    adhocSessionRoutes,
    recordingRoutes,
    installerRoutes,
    agentPackageRoutes,
    settingsRoutes,
    groupStatisticsRoutes,
    deviceUpgradeRoutes,
    auditRoutes,
    agentRoutes,
    policyRoutes,
    storageRoutes,
    oemRoutes,
    userRoutes,
    roleRoutes,
    userImportRoutes,
    signInRoutes,
    teamRoutes,
    deviceGroupRoutes,
    deviceLifecycleRoutes,
    secondFactorRoutes,
    ssoRoutes,
    upgradeDownloadRoutes,
    wakeRoutes,
    openApiRoutes,
  ]) {
    routes(app, context);
  }
  await serveConsole(app, consoleDir);
  return app;
}

async function serveConsole(app: HttpsApp, consoleDir: string | undefined): Promise<void> {
  if (!consoleDir) {
    app.get('/', (_request, reply) => reply.type('text/plain').send(CONSOLE_NOT_BUILT));
    return;
  }
  await serveConsoleFiles(app, consoleDir, { index: true });
}

/** `/conf` and below: the admin console, served by the admin listener only. */
function isAdminConsolePath(url: string): boolean {
  return /^\/conf(?:[/?#]|$)/.test(url);
}
