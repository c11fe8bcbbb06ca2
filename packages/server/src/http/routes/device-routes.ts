import type { HttpsApp } from '../https-app.js';
import { deviceEndpoints, type Device } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { listDevices } from '../../devices/device-list.js';
import { toApiDevice } from '../../devices/device-view.js';
import type { DeviceRecord, UserRecord } from '../../store/store.js';
import { registerEndpoint } from '../endpoint-route.js';
import { sourceAddress } from '../request-context.js';

export function deviceRoutes(app: HttpsApp, context: ServerContext): void {
  const { store, presence, rights } = context;

  // Only the devices of groups the user has `device.view` on (filtered in SQL, so pages and
  // totals are right), each with what the user may do on it, so the console needs no second
  // lookup to hide or disable actions.
  registerEndpoint(app, context.auth, deviceEndpoints.list, async ({ principal, query }) =>
    listDevices({ store, presence, rights: await rights.of(principal.user), query }),
  );

  registerEndpoint(app, context.auth, deviceEndpoints.events, ({ principal, request, reply }) => {
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    stream.write(': connected\n\n');
    // Whatever happened, the console gets the device as it is now (its `device` event) — if the
    // user may see it: the user and their rights are read at each event, so a revoked grant or a
    // changed role applies from the next event on. (Disabling or deleting the user ends the stream.)
    const unsubscribe = presence.events.onAny(({ deviceId }) => {
      context.tasks.run(
        'push a device change to an event stream',
        async () => {
          const user = await store.users.findById(principal.user.id);
          const found = user && (await store.devices.find(deviceId));
          if (!user || !found) return;
          // A deleted device leaves the lists: its id only, to those who could see it.
          if (found.deletedAt) {
            if ((await rights.of(user)).has(found.group, 'device.view'))
              stream.write(`event: deleted\ndata: ${JSON.stringify({ id: found.id })}\n\n`);
            return;
          }
          const device = await visibleDevice(user, found);
          if (device) stream.write(`event: device\ndata: ${JSON.stringify(device)}\n\n`);
        },
        { deviceId },
      );
    });
    const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), 25_000);
    // Signing out (or a password reset) ends the stream: it must not outlive its login.
    const release = context.auth.holdOpen(principal, () => stream.end());
    request.raw.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      release();
    });
    return Promise.resolve();
  });

  registerEndpoint(
    app,
    context.auth,
    deviceEndpoints.get,
    async ({ params, principal, request }) => {
      const device = await rights.authorize(principal.user, params.id, 'device.view', {
        sourceAddress: sourceAddress(request),
      });
      return { device: await apiDevice(principal.user, device) };
    },
  );

  registerEndpoint(
    app,
    context.auth,
    deviceEndpoints.effectivePolicy,
    async ({ params, principal, request }) => {
      await rights.authorize(principal.user, params.id, 'device.view', {
        sourceAddress: sourceAddress(request),
      });
      return context.policies.explain(params.id);
    },
  );

  async function apiDevice(user: UserRecord, device: DeviceRecord): Promise<Device> {
    const [[unattended], mine] = await Promise.all([
      store.unattended.listLive(device.id),
      rights.of(user),
    ]);
    return {
      ...toApiDevice(device, presence.get(device.id), unattended),
      rights: mine.on(device.group),
    };
  }

  /** The device as the user sees it, or undefined when it is not theirs to see. */
  async function visibleDevice(
    user: UserRecord,
    device: DeviceRecord,
  ): Promise<Device | undefined> {
    const view = await apiDevice(user, device);
    return view.rights?.includes('device.view') ? view : undefined;
  }
}
