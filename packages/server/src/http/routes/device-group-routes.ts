import { deviceGroupEndpoints } from '@tether/protocol';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/auth-service.js';
import { toApiDevice } from '../../devices/device-view.js';
import type { DeviceGroupActor } from '../../groups/device-group-service.js';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

function actorOf(principal: Principal, request: FastifyRequest): DeviceGroupActor {
  return { username: principal.user.username, sourceAddress: sourceAddress(request) };
}

/** Device groups, and moving a device between them (issue 12). */
export function deviceGroupRoutes(app: HttpsApp, context: ServerContext): void {
  const { groups } = context;
  registerEndpoint(app, context.auth, deviceGroupEndpoints.list, async () => ({
    groups: await groups.list(),
  }));
  registerEndpoint(
    app,
    context.auth,
    deviceGroupEndpoints.create,
    async ({ body, principal, request }) => ({
      group: await groups.create(body, actorOf(principal, request)),
    }),
  );
  registerEndpoint(
    app,
    context.auth,
    deviceGroupEndpoints.update,
    async ({ params, body, principal, request }) => ({
      group: await groups.update(params.id, body, actorOf(principal, request)),
    }),
  );
  registerEndpoint(
    app,
    context.auth,
    deviceGroupEndpoints.remove,
    ({ params, query, principal, request }) =>
      groups.delete(params.id, query, actorOf(principal, request)),
  );
  registerEndpoint(
    app,
    context.auth,
    deviceGroupEndpoints.moveDevice,
    async ({ params, body, principal, request }) => {
      // Moving needs "manage devices" on the group it leaves and on the group it joins.
      const access = { sourceAddress: sourceAddress(request) };
      await context.rights.authorize(principal.user, params.id, 'devices.manage', access);
      await context.rights.authorizeGroup(principal.user, body.group, 'devices.manage', access);
      const device = await groups.moveDevice(params.id, body.group, actorOf(principal, request));
      // Open device lists show the new group at once.
      context.presence.events.emit({ type: 'moved', deviceId: device.id });
      // Its new group may have statistics settings of its own.
      await context.broadcastSettings({ deviceIds: [device.id] });
      const [unattended] = await context.store.unattended.listLive(device.id);
      return { device: toApiDevice(device, context.presence.get(device.id), unattended) };
    },
  );
}
