import {
  directoryEndpoints,
  secondFactorAdminEndpoints,
  ssoEndpoints,
  AppError,
} from '@tether/protocol';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../ports/server-context.js';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import { roleListRoute } from '../http/routes/role-routes.js';
import { bindBrowser } from '../http/sso-binding.js';

/** LDAP and RADIUS directories, set and tested by administrators (issue 12). */
function directoryAdminRoutes(app: HttpsApp, context: ServerContext): void {
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

/** `host` or `host:port`, as a browser sends it: nothing that could turn a URL elsewhere. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origin the administrator's browser reached this listener at: where a test's result is
 * shown once the provider has sent the browser back to the user listener.
 */
function adminOrigin(request: FastifyRequest): string {
  const host = request.headers.host ?? '';
  if (!HOST.test(host))
    throw new AppError('INVALID_INPUT', 'The request has no valid Host header.');
  return `https://${host}`;
}

/** Single sign-on providers: settings, and a test sign-in that shows what the server saw. */
function ssoAdminRoutes(app: HttpsApp, context: ServerContext): void {
  const { sso, audit } = context;
  registerEndpoint(app, context.auth, ssoEndpoints.list, async () => ({
    providers: await sso.providers.list(),
  }));
  registerEndpoint(
    app,
    context.auth,
    ssoEndpoints.save,
    async ({ params, body, principal, request }) => {
      const entry = await sso.providers.save(params.provider, body);
      await audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: `sso:${params.provider}`,
        sourceAddress: sourceAddress(request),
        // Never the client secret: only whether one is set.
        details: { kind: body.kind, enabled: body.enabled, mapping: body.mapping },
      });
      return entry;
    },
  );
  registerEndpoint(
    app,
    context.auth,
    ssoEndpoints.remove,
    async ({ params, principal, request }) => {
      await sso.providers.remove(params.provider);
      await audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: `sso:${params.provider}`,
        sourceAddress: sourceAddress(request),
        details: { removed: true },
      });
    },
  );
  registerEndpoint(
    app,
    context.auth,
    ssoEndpoints.startTest,
    async ({ params, principal, request, reply }) => {
      const location = await sso.start({
        providerId: params.provider,
        binding: bindBrowser(request, reply),
        test: { by: principal.user.username, resultOrigin: adminOrigin(request) },
      });
      void reply.redirect(location, 302);
    },
  );
  registerEndpoint(app, context.auth, ssoEndpoints.testResult, ({ params, principal }) =>
    Promise.resolve(sso.testResult(params.id, principal.user.username)),
  );
}

/** The roles whose users must have a second factor (a user's reset stays with user administration). */
function secondFactorAdminRoutes(app: HttpsApp, context: ServerContext): void {
  const { secondFactors: factors, auth } = context;
  const admin = secondFactorAdminEndpoints;
  registerEndpoint(app, auth, admin.getSettings, () => factors.settings());
  registerEndpoint(app, auth, admin.setSettings, ({ principal, body, request }) =>
    factors.setSettings(body, {
      username: principal.user.username,
      sourceAddress: sourceAddress(request),
    }),
  );
}

/**
 * The sign-in settings of the admin interface (issue 12: "configured in the admin interface"):
 * password directories, single sign-on providers, and the second-factor requirement.
 */
export function signInAdminRoutes(app: HttpsApp, context: ServerContext): void {
  directoryAdminRoutes(app, context);
  ssoAdminRoutes(app, context);
  secondFactorAdminRoutes(app, context);
  // Their editors name roles: the list of roles is served here too (contract `roles.list`).
  roleListRoute(app, context);
}
