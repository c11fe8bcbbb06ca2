import type { HttpsApp } from '../https-app.js';
import { LoginRequest, type LoginResponse } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { SESSION_IDLE_MS, toApiUser } from '../../auth/auth-service.js';
import { parseInput, requireUser, sessionCookie, sourceAddress } from '../request-context.js';

export function authRoutes(app: HttpsApp, context: ServerContext): void {
  app.post('/api/v1/auth/login', async (request, reply): Promise<LoginResponse> => {
    const body = parseInput(LoginRequest, request.body, 'sign-in request');
    const { user, token } = await context.auth.login({
      ...body,
      sourceAddress: sourceAddress(request),
    });
    void reply.header('set-cookie', sessionCookie(token, SESSION_IDLE_MS / 1000));
    return { user: toApiUser(user) };
  });

  app.post('/api/v1/auth/logout', async (request, reply) => {
    const principal = await requireUser(context.auth, request);
    await context.auth.logout(principal, sourceAddress(request));
    return reply.header('set-cookie', sessionCookie('', 0)).status(204).send();
  });

  app.get('/api/v1/auth/me', async (request): Promise<LoginResponse> => {
    const principal = await requireUser(context.auth, request);
    return { user: toApiUser(principal.user) };
  });
}
