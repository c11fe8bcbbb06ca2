import type { HttpsApp } from '../https-app.js';
import { AppError, DeviceId, type DeviceList } from '@tether/protocol';
import type { ServerContext } from '../../app/context.js';
import { toApiDevice } from '../../devices/device-view.js';
import { parseInput, requireUser } from '../request-context.js';

export function deviceRoutes(app: HttpsApp, context: ServerContext): void {
  const { store, presence } = context;

  app.get('/api/v1/devices', async (request): Promise<DeviceList> => {
    await requireUser(context.auth, request);
    const devices = await store.devices.list();
    return { devices: devices.map((device) => toApiDevice(device, presence.get(device.id))) };
  });

  app.get('/api/v1/devices/events', async (request, reply) => {
    await requireUser(context.auth, request);
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    stream.write(': connected\n\n');
    const unsubscribe = presence.onChange((deviceId) => {
      store.devices
        .find(deviceId)
        .then((device) => {
          if (device)
            stream.write(
              `event: device\ndata: ${JSON.stringify(toApiDevice(device, presence.get(deviceId)))}\n\n`,
            );
        })
        // The database is down: this change is not shown (the next one is), and a rejection
        // here, awaited by nobody, would crash the server.
        .catch((error: unknown) =>
          context.log.warn({ err: error, deviceId }, 'cannot send a device event'),
        );
    });
    const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), 25_000);
    request.raw.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  });

  app.get('/api/v1/devices/:id', async (request) => {
    await requireUser(context.auth, request);
    const id = parseInput(DeviceId, (request.params as { id: string }).id, 'device ID');
    const device = await store.devices.find(id);
    if (!device)
      throw new AppError('NOT_FOUND', 'There is no such device. It may have been removed.');
    return { device: toApiDevice(device, presence.get(id)) };
  });
}
