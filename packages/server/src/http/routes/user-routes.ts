import { accountEndpoints, AppError, userEndpoints } from '@tether/protocol';
import { unlockSignIn } from '../../auth/admin-account.js';
import type { ServerContext } from '../../ports/server-context.js';
import { signedIn, type Principal } from '../../auth/auth-service.js';
import type { UserActor } from '../../users/user-service.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';
import type { FastifyRequest } from 'fastify';

function actorOf(principal: Principal, request: FastifyRequest): UserActor {
  return { username: principal.user.username, sourceAddress: sourceAddress(request) };
}

/** Users, managed by administrators, and each user's own account (issue 12). */
export function userRoutes(app: HttpsApp, context: ServerContext): void {
  const { users } = context;
  registerEndpoint(app, context.auth, userEndpoints.list, async () => ({
    users: await users.list(),
  }));
  registerEndpoint(
    app,
    context.auth,
    userEndpoints.create,
    async ({ body, principal, request }) => ({
      user: await users.create(body, actorOf(principal, request)),
    }),
  );
  registerEndpoint(
    app,
    context.auth,
    userEndpoints.update,
    async ({ params, body, principal, request }) => ({
      user: await users.update(params.id, body, actorOf(principal, request)),
    }),
  );
  registerEndpoint(app, context.auth, userEndpoints.remove, ({ params, principal, request }) =>
    users.delete(params.id, actorOf(principal, request)),
  );
  registerEndpoint(
    app,
    context.auth,
    userEndpoints.resetPassword,
    ({ params, body, principal, request }) =>
      users.resetPassword(params.id, body, actorOf(principal, request)),
  );

  registerEndpoint(
    app,
    context.auth,
    userEndpoints.clearSignInDelays,
    async ({ params, principal, request }) => {
      const user = await context.store.users.findById(params.id);
      const cleared =
        user !== undefined &&
        (await unlockSignIn({
          ...context,
          username: user.username,
          by: actorOf(principal, request),
        }));
      if (!cleared) throw new AppError('NOT_FOUND', 'There is no such user.');
    },
  );

  passwordChangeRoute(app, context);
  registerEndpoint(app, context.auth, accountEndpoints.update, async ({ body, principal }) => ({
    ...signedIn(principal),
    user: await users.updateOwnAccount(principal, body),
  }));
}

/**
 * Changing one's own password: on both listeners, since a user an administrator asked to change
 * theirs must do it before anything else, the admin console included.
 */
export function passwordChangeRoute(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(
    app,
    context.auth,
    accountEndpoints.changePassword,
    async ({ body, principal, request }) => ({
      ...signedIn(principal),
      user: await context.users.changeOwnPassword(principal, body, sourceAddress(request)),
    }),
  );
}
