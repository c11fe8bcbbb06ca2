import type { HttpsApp } from '../https-app.js';
import { AppError, deviceEndpoints, type Device } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { toApiDevice } from '../../devices/device-view.js';
import { registerEndpoint } from '../endpoint-route.js';

export function deviceRoutes(app: HttpsApp, context: ServerContext): void {
  const { store, presence } = context;

  registerEndpoint(app, context.auth, deviceEndpoints.list, async () => {
    const devices = await store.devices.list();
    const unattended = new Map(
      (await store.unattended.listLive()).map((access) => [access.deviceId, access]),
    );
    return {
      devices: devices.map((device) =>
        toApiDevice(device, presence.get(device.id), unattended.get(device.id)),
      ),
    };
  });

  registerEndpoint(app, context.auth, deviceEndpoints.events, ({ principal, request, reply }) => {
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    stream.write(': connected\n\n');
    // Whatever happened, the console gets the device as it is now (its `device` event).
    const unsubscribe = presence.events.onAny(({ deviceId }) => {
      context.tasks.run(
        'push a device change to an event stream',
        () =>
          apiDevice(deviceId).then((device) => {
            if (device) stream.write(`event: device\ndata: ${JSON.stringify(device)}\n\n`);
          }),
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

  registerEndpoint(app, context.auth, deviceEndpoints.get, async ({ params }) => {
    const device = await apiDevice(params.id);
    if (!device)
      throw new AppError('NOT_FOUND', 'There is no such device. It may have been removed.');
    return { device };
  });

  registerEndpoint(app, context.auth, deviceEndpoints.effectivePolicy, ({ params }) =>
    context.policies.explain(params.id),
  );

  async function apiDevice(id: string): Promise<Device | undefined> {
    const device = await store.devices.find(id);
    if (!device) return undefined;
    const [unattended] = await store.unattended.listLive(id);
    return toApiDevice(device, presence.get(id), unattended);
  }
}
