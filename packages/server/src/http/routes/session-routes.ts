import type { HttpsApp } from '../https-app.js';
import { z } from 'zod';
import {
  AppError,
  CreateSessionRequest,
  DeviceId,
  SessionId,
  type CreateSessionResponse,
  type Session,
  type SessionList,
} from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { toApiSession } from '../../sessions/session-view.js';
import { parseInput, requireUser, sourceAddress } from '../request-context.js';

const SessionQuery = z.object({
  deviceId: DeviceId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export function sessionRoutes(app: HttpsApp, context: ServerContext): void {
  app.post('/api/v1/sessions', async (request, reply): Promise<CreateSessionResponse> => {
    const principal = await requireUser(context.auth, request);
    const body = parseInput(CreateSessionRequest, request.body, 'session request');
    const created = await context.sessions.create(principal.user, body, sourceAddress(request));
    void reply.status(201);
    return created;
  });

  app.get('/api/v1/sessions', async (request): Promise<SessionList> => {
    await requireUser(context.auth, request);
    const query = parseInput(SessionQuery, request.query, 'session list query');
    const sessions = await context.store.sessions.list({
      limit: query.limit,
      ...(query.deviceId ? { deviceId: query.deviceId } : {}),
    });
    return { sessions: sessions.map(toApiSession) };
  });

  app.get('/api/v1/sessions/:id', async (request): Promise<{ session: Session }> => {
    await requireUser(context.auth, request);
    const id = parseInput(SessionId, (request.params as { id: string }).id, 'session ID');
    const session = await context.store.sessions.find(id);
    if (!session) throw new AppError('NOT_FOUND', 'There is no such session.');
    const until = context.sessions.consentExpiresAt(id);
    return {
      session: { ...toApiSession(session), awaitingConsentUntil: until?.toISOString() ?? null },
    };
  });

  app.delete('/api/v1/sessions/:id', async (request, reply) => {
    const principal = await requireUser(context.auth, request);
    const id = parseInput(SessionId, (request.params as { id: string }).id, 'session ID');
    const session = await context.store.sessions.find(id);
    if (!session) throw new AppError('NOT_FOUND', 'There is no such session.');
    if (session.userId !== principal.user.id && principal.user.role !== 'administrator') {
      throw new AppError(
        'FORBIDDEN',
        'Only the technician who opened this session, or an administrator, can end it.',
      );
    }
    await context.sessions.end(id, `Ended by ${principal.user.username}.`);
    return reply.status(204).send();
  });
}
