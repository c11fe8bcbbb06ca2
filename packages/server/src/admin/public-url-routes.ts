import { publicUrlEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import { writeSavedPublicUrl } from '../net/public-url.js';
import type { ServerContext } from '../ports/server-context.js';

/**
 * The public URL on the admin listener. A change applies at once to what reads it next: new
 * installers, package downloads, enrolment commands, the API document. Agents enrolled before
 * keep the address they enrolled with.
 */
export function publicUrlAdminRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, publicUrlEndpoints.get, () =>
    Promise.resolve(context.publicAddress.settings()),
  );
  registerEndpoint(
    app,
    context.auth,
    publicUrlEndpoints.set,
    async ({ body, principal, request }) => {
      const before = context.publicAddress.settings();
      const saved = await writeSavedPublicUrl(context.store, body.url);
      await context.publicAddress.reload();
      const after = context.publicAddress.settings();
      await context.audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'public-url',
        sourceAddress: sourceAddress(request),
        details: {
          saved,
          previous: before.saved,
          effective: after.effective,
          source: after.source,
        },
      });
      return after;
    },
  );
}
