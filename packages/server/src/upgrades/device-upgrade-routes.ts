import { deviceUpgradeEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import type { ServerContext } from '../ports/server-context.js';

/**
 * One device's upgrade from its page, on the user listener: reading it needs the
 * `device.view` right on the device's group, starting it `devices.manage`.
 */
export function deviceUpgradeRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(
    app,
    context.auth,
    deviceUpgradeEndpoints.get,
    async ({ params, principal, request }) => {
      const device = await context.rights.authorize(principal.user, params.id, 'device.view', {
        sourceAddress: sourceAddress(request),
      });
      const link = context.presence.get(device.id);
      return {
        agentVersion: device.inventory.agentVersion,
        targetVersion: context.upgrades.settings().targetVersion ?? context.upgrades.ownVersion,
        canUpgrade: link ? link.capabilities.includes('upgrade') : true,
        upgrade: (await context.upgrades.upgradeOf(device.id)) ?? null,
      };
    },
  );

  registerEndpoint(
    app,
    context.auth,
    deviceUpgradeEndpoints.start,
    async ({ params, body, principal, request }) => {
      const device = await context.rights.authorize(principal.user, params.id, 'devices.manage', {
        sourceAddress: sourceAddress(request),
      });
      // Audited by the service (`upgrade.requested`).
      return context.upgrades.startManual(
        { deviceIds: [device.id], ...(body.version !== undefined && { version: body.version }) },
        principal.user.username,
      );
    },
  );
}
