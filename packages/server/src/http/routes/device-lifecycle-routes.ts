import { deviceLifecycleEndpoints } from '@tether/protocol';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/auth-service.js';
import { deleteDevice } from '../../devices/delete-device.js';
import { runBulkAction } from '../../devices/device-bulk.js';
import { changeDevice, type DeviceChanger } from '../../devices/device-changes.js';
import { toApiDevice } from '../../devices/device-view.js';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

function changerOf(principal: Principal, request: FastifyRequest): DeviceChanger {
  return {
    user: principal.user,
    actor: { username: principal.user.username, sourceAddress: sourceAddress(request) },
  };
}

/** Renaming, tagging, moving and deleting devices, one or many (issue 15). */
export function deviceLifecycleRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(
    app,
    context.auth,
    deviceLifecycleEndpoints.update,
    async ({ params, body, principal, request }) => {
      const device = await changeDevice(context, changerOf(principal, request), params.id, body);
      const [[unattended], mine] = await Promise.all([
        context.store.unattended.listLive(device.id),
        context.rights.of(principal.user),
      ]);
      return {
        device: {
          ...toApiDevice(device, context.presence.get(device.id), unattended),
          rights: mine.on(device.group),
        },
      };
    },
  );
  registerEndpoint(
    app,
    context.auth,
    deviceLifecycleEndpoints.remove,
    async ({ params, principal, request }) => {
      const { user, actor } = changerOf(principal, request);
      const device = await context.rights.authorize(user, params.id, 'devices.manage', {
        sourceAddress: actor.sourceAddress ?? null,
      });
      await deleteDevice(context, device.id, { by: 'administrator', actor });
    },
  );
  registerEndpoint(
    app,
    context.auth,
    deviceLifecycleEndpoints.bulk,
    ({ body, principal, request }) => runBulkAction(context, changerOf(principal, request), body),
  );
}
