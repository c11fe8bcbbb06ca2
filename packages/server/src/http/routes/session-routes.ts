import type { HttpsApp } from '../https-app.js';
import { AppError, sessionEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { toApiSession } from '../../sessions/session-view.js';
import { visibleGroups } from '../../rights/visible-groups.js';
import { registerEndpoint } from '../endpoint-route.js';
import { sourceAddress } from '../request-context.js';

export function sessionRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, sessionEndpoints.create, ({ body, principal, request }) =>
    context.sessions.create(principal.user, body, sourceAddress(request)),
  );

  // Sessions of devices the user may view only.
  registerEndpoint(app, context.auth, sessionEndpoints.list, async ({ query, principal }) => {
    const sessions = await context.store.sessions.list({
      limit: query.limit,
      ...(query.deviceId ? { deviceId: query.deviceId } : {}),
      ...(await visibleGroups(context.rights, principal.user, 'device.view')),
    });
    return { sessions: sessions.map(toApiSession) };
  });

  registerEndpoint(
    app,
    context.auth,
    sessionEndpoints.get,
    async ({ params, principal, request }) => {
      const session = await context.store.sessions.find(params.id);
      if (!session) throw new AppError('NOT_FOUND', 'There is no such session.');
      await context.rights.authorize(principal.user, session.deviceId, 'device.view', {
        sourceAddress: sourceAddress(request),
        isHistory: true, // a deleted device's sessions stay readable
      });
      const until = context.sessions.consentExpiresAt(params.id);
      return {
        session: { ...toApiSession(session), awaitingConsentUntil: until?.toISOString() ?? null },
      };
    },
  );

  registerEndpoint(app, context.auth, sessionEndpoints.end, async ({ params, principal }) => {
    const session = await context.store.sessions.find(params.id);
    if (!session) throw new AppError('NOT_FOUND', 'There is no such session.');
    const { user } = principal;
    if (session.userId !== user.id && !principal.permissions.includes('sessions.manage')) {
      throw new AppError(
        'FORBIDDEN',
        'Only the technician who opened this session, or an administrator, can end it.',
      );
    }
    await context.sessions.end(params.id, `Ended by ${user.username}.`);
  });
}
