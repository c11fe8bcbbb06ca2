import { portEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import type { ServerContext } from '../ports/server-context.js';
import { readSavedPorts, writeSavedPorts } from './port-settings.js';

/**
 * The ports page of the admin console (S-4). Saved ports apply at the next start: rebinding the
 * HTTPS port live would strand every agent enrolled with the old URL until it restarts, and
 * rebinding the admin port would cut the very page that asked for it.
 */
export function portsAdminRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, portEndpoints.get, async () =>
    context.listeners.status(await readSavedPorts(context.store)),
  );
  registerEndpoint(app, context.auth, portEndpoints.set, async ({ body, principal, request }) => {
    const before = await readSavedPorts(context.store);
    await writeSavedPorts(context.store, body);
    await context.audit.record({
      action: 'settings.changed',
      actor: principal.user.username,
      target: 'server.ports',
      sourceAddress: sourceAddress(request),
      details: { before, after: body, appliesAt: 'restart' },
    });
    return context.listeners.status(body);
  });
}
