import { maintenanceEndpoints } from '@tether/protocol';
import type { ServerContext } from '../ports/server-context.js';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import { readMaintenanceSettings, writeMaintenanceSettings } from './maintenance-settings.js';

/**
 * Fleet maintenance on the admin listener. A change reaches connected agents at once
 * (their deletion deadline and the local uninstall rule); the sweep reads it at its next pass.
 */
export function maintenanceAdminRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, maintenanceEndpoints.get, () =>
    readMaintenanceSettings(context.store),
  );
  registerEndpoint(
    app,
    context.auth,
    maintenanceEndpoints.set,
    async ({ body, principal, request }) => {
      const previous = await readMaintenanceSettings(context.store);
      const saved = await writeMaintenanceSettings(context.store, body);
      await context.audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'maintenance',
        sourceAddress: sourceAddress(request),
        details: { ...saved, previous },
      });
      context.tasks.run('send agents their new deletion deadline', () =>
        context.broadcastSettings(),
      );
      return saved;
    },
  );
}
