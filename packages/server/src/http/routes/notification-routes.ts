import type { FastifyRequest } from 'fastify';
import { notificationEndpoints } from '@tether/protocol';
import type { AdminActor } from '../../audit/admin-actor.js';
import type { Principal } from '../../auth/auth-service.js';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/**
 * The notification settings, their delivery log and the "send test" action (S-7), on the
 * admin listener.
 */
export function notificationAdminRoutes(app: HttpsApp, context: ServerContext): void {
  const { notifications } = context;
  const actorOf = (input: { principal: Principal; request: FastifyRequest }): AdminActor => ({
    username: input.principal.user.username,
    sourceAddress: sourceAddress(input.request),
  });
  registerEndpoint(app, context.auth, notificationEndpoints.get, () => notifications.settings());
  registerEndpoint(app, context.auth, notificationEndpoints.set, (input) =>
    notifications.saveSettings(input.body, actorOf(input)),
  );
  registerEndpoint(app, context.auth, notificationEndpoints.deliveries, () =>
    Promise.resolve({ deliveries: notifications.deliveries() }),
  );
  registerEndpoint(app, context.auth, notificationEndpoints.test, (input) =>
    notifications.test(input.body, actorOf(input)),
  );
}
