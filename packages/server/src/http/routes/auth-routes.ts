import { authEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import type { FastifyReply } from 'fastify';
import {
  SESSION_IDLE_MS,
  signedIn,
  toOwnApiUser,
  type SignInOutcome,
} from '../../auth/auth-service.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sessionCookie, sourceAddress } from '../request-context.js';

/** Sign-in and sign-out: the session cookie is set and cleared here, and only here. */
export function authRoutes(app: HttpsApp, context: ServerContext): void {
  /** Sets the cookie of a completed sign-in; a step goes back to the browser as it is. */
  const answer = (outcome: SignInOutcome, reply: FastifyReply) => {
    if ('step' in outcome) return { step: outcome.step };
    const { user, token, permissions, roleName } = outcome;
    void reply.header('set-cookie', sessionCookie(token, SESSION_IDLE_MS / 1000));
    return { user: toOwnApiUser(user, outcome), permissions: [...permissions], roleName };
  };

  registerEndpoint(app, context.auth, authEndpoints.login, async ({ body, request, reply }) =>
    answer(await context.auth.login({ ...body, sourceAddress: sourceAddress(request) }), reply),
  );

  registerEndpoint(
    app,
    context.auth,
    authEndpoints.continueLogin,
    async ({ body, request, reply }) =>
      answer(
        await context.auth.continueLogin({ ...body, sourceAddress: sourceAddress(request) }),
        reply,
      ),
  );

  registerEndpoint(
    app,
    context.auth,
    authEndpoints.logout,
    async ({ principal, request, reply }) => {
      await context.auth.logout(principal, sourceAddress(request));
      void reply.header('set-cookie', sessionCookie('', 0));
    },
  );

  registerEndpoint(app, context.auth, authEndpoints.me, ({ principal }) =>
    Promise.resolve({ ...signedIn(principal), user: toOwnApiUser(principal.user, principal) }),
  );
}
