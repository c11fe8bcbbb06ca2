import { installerEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';

/** Installers are made by administrators and privileged users. */
export function installerRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, installerEndpoints.create, ({ body, principal }) =>
    context.installers.create({
      ...body,
      createdBy: principal.user.username,
      serverUrl: context.publicUrl(),
    }),
  );

  registerEndpoint(app, context.auth, installerEndpoints.list, async () => ({
    installers: await context.installers.list(),
  }));

  registerEndpoint(app, context.auth, installerEndpoints.extend, ({ params, body, principal }) =>
    context.installers.extend(params.id, {
      validForSec: body.validForSec,
      actor: principal.user.username,
    }),
  );

  registerEndpoint(app, context.auth, installerEndpoints.revoke, ({ params, principal }) =>
    context.installers.revoke(params.id, principal.user.username),
  );
}
