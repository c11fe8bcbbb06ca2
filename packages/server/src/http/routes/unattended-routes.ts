import type { HttpsApp } from '../https-app.js';
import { z } from 'zod';
import {
  ConnectUnattendedRequest,
  CreateUnattendedRequest,
  DeviceId,
  UnattendedAccessId,
  type CreateSessionResponse,
  type CreateUnattendedResponse,
  type UnattendedAccessList,
  type UnattendedTurnedOff,
} from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { parseInput, requireUser, sourceAddress } from '../request-context.js';

const ListQuery = z.object({ deviceId: DeviceId.optional() });

/**
 * Unattended access (M-2): create (or replace), list, access file, connect with the password,
 * turn off. A device has at most one live access; turning off revokes all of them.
 */
export function unattendedRoutes(app: HttpsApp, context: ServerContext): void {
  const { unattended } = context;
  const accessIdOf = (params: unknown): string =>
    parseInput(UnattendedAccessId, (params as { id: string }).id, 'unattended session ID');

  app.post('/api/v1/unattended', async (request, reply): Promise<CreateUnattendedResponse> => {
    const principal = await requireUser(context.auth, request);
    const body = parseInput(CreateUnattendedRequest, request.body, 'unattended access request');
    const created = await unattended.create(principal.user, body, sourceAddress(request));
    void reply.status(201).header('cache-control', 'no-store');
    return created;
  });

  app.get('/api/v1/unattended', async (request): Promise<UnattendedAccessList> => {
    await requireUser(context.auth, request);
    const query = parseInput(ListQuery, request.query, 'unattended access list query');
    return { accesses: await unattended.list(query.deviceId) };
  });

  app.get('/api/v1/unattended/:id/access-file', async (request, reply) => {
    await requireUser(context.auth, request);
    const { file, fileName } = await unattended.accessFileOf(accessIdOf(request.params));
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .send(`${JSON.stringify(file, null, 2)}\n`);
  });

  app.post('/api/v1/unattended/connect', async (request, reply): Promise<CreateSessionResponse> => {
    const principal = await requireUser(context.auth, request);
    const body = parseInput(ConnectUnattendedRequest, request.body, 'connection request');
    const created = await unattended.connect(principal.user, body, sourceAddress(request));
    void reply.status(201);
    return created;
  });

  // Revoking by session ID turns off the whole device, as the console's "Turn off now" does.
  app.delete('/api/v1/unattended/:id', async (request, reply) => {
    const principal = await requireUser(context.auth, request);
    await unattended.revoke(principal.user, accessIdOf(request.params), sourceAddress(request));
    return reply.status(204).send();
  });

  app.delete('/api/v1/devices/:id/unattended', async (request): Promise<UnattendedTurnedOff> => {
    const principal = await requireUser(context.auth, request);
    const deviceId = parseInput(DeviceId, (request.params as { id: string }).id, 'device ID');
    return { revoked: await unattended.turnOff(principal.user, deviceId, sourceAddress(request)) };
  });
}
