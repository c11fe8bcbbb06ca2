import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { healthEndpoints } from '@tether/protocol';
import { createHttpsApp, type HttpsApp, type HttpsOptions } from './https-app.js';
import type { ServerContext } from '../ports/server-context.js';
import { agentRoutes } from './routes/agent-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { deviceRoutes } from './routes/device-routes.js';
import { installerRoutes } from './routes/installer-routes.js';
import { oemRoutes } from './routes/oem-routes.js';
import { openApiRoutes } from './routes/openapi-routes.js';
import { policyRoutes } from './routes/policy-routes.js';
import { recordingRoutes } from './routes/recording-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { settingsRoutes } from './routes/settings-routes.js';
import { storageRoutes } from './routes/storage-routes.js';
import { unattendedRoutes } from './routes/unattended-routes.js';
import { roleRoutes } from './routes/role-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { userImportRoutes } from './routes/user-import-routes.js';
import { signInRoutes } from './routes/sign-in-routes.js';
import { teamRoutes } from './routes/team-routes.js';
import { deviceGroupRoutes } from './routes/device-group-routes.js';
import { secondFactorRoutes } from './routes/second-factor-routes.js';
import { ssoRoutes } from './routes/sso-routes.js';
import { installBrowserGuards } from './browser-guard.js';
import { registerEndpoint } from './endpoint-route.js';

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
  const hasConsole =
    context.consoleDir !== undefined && existsSync(join(context.consoleDir, 'index.html'));
  const app = createHttpsApp({
    https,
    log: context.log.child({ listener: 'user' }),
    // The console routes with the History API: unknown non-API paths get the app.
    fallback: (request, reply) =>
      hasConsole && !request.url.startsWith('/api/') && !request.url.startsWith('/relay/')
        ? reply.sendFile('index.html')
        : undefined,
  });

  installBrowserGuards(app, {
    publicUrl: context.config.publicUrl,
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
    unattendedRoutes,
    recordingRoutes,
    installerRoutes,
    settingsRoutes,
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
    secondFactorRoutes,
    ssoRoutes,
    openApiRoutes,
  ]) {
    routes(app, context);
  }
  await serveConsole(app, hasConsole ? context.consoleDir : undefined);
  return app;
}

async function serveConsole(app: HttpsApp, consoleDir: string | undefined): Promise<void> {
  if (!consoleDir) {
    app.get('/', (_request, reply) =>
      reply
        .type('text/plain')
        .send('The Tether console is not built. Run `npm run build:console`, then reload.'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: consoleDir, wildcard: false, index: 'index.html' });
}

/**
 * Scripts and styles only from our origin: an injected string cannot run code; it cannot open a
 * WebSocket to anywhere but this server either.
 */
function consoleCsp(webSocketOrigins: string): string {
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ${webSocketOrigins}; frame-ancestors 'none'`;
}
