import { secondFactorAdminEndpoints, secondFactorEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/**
 * Each user's second factors, and an administrator's reset of a user's (issue 12). Which roles
 * require one is set in the admin interface (admin/sign-in-admin-routes.ts).
 */
export function secondFactorRoutes(app: HttpsApp, context: ServerContext): void {
  const { secondFactors: factors, auth } = context;
  const own = secondFactorEndpoints;

  registerEndpoint(app, auth, own.status, ({ principal }) => factors.status(principal.user));
  registerEndpoint(app, auth, own.startTotp, ({ principal }) => factors.startTotp(principal.user));
  registerEndpoint(app, auth, own.confirmTotp, ({ principal, body, request }) =>
    factors.confirmTotp({ user: principal.user, sourceAddress: sourceAddress(request) }, body.code),
  );
  registerEndpoint(app, auth, own.removeTotp, ({ principal, body, request }) =>
    factors.removeTotp({ user: principal.user, sourceAddress: sourceAddress(request) }, body),
  );
  registerEndpoint(app, auth, own.regenerateRecoveryCodes, ({ principal, body, request }) =>
    factors.regenerateRecoveryCodes(
      { user: principal.user, sourceAddress: sourceAddress(request) },
      body,
    ),
  );
  registerEndpoint(app, auth, own.passkeyOptions, async ({ principal, request }) => ({
    options: await factors.passkeyOptions(principal.user, request.headers.host),
  }));
  registerEndpoint(app, auth, own.registerPasskey, ({ principal, body, request }) =>
    factors.registerPasskey({ user: principal.user, sourceAddress: sourceAddress(request) }, body),
  );
  registerEndpoint(app, auth, own.renamePasskey, ({ principal, params, body }) =>
    factors.renamePasskey(principal.user, { id: params.id, name: body.name }),
  );
  registerEndpoint(app, auth, own.removePasskey, ({ principal, params, body, request }) =>
    factors.removePasskey(
      { user: principal.user, sourceAddress: sourceAddress(request) },
      { id: params.id, proof: body },
    ),
  );

  const admin = secondFactorAdminEndpoints;
  registerEndpoint(app, auth, admin.resetUser, async ({ principal, params, request }) => {
    await factors.reset(params.id, {
      username: principal.user.username,
      sourceAddress: sourceAddress(request),
    });
  });
}
