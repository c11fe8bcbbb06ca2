import { authEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { SESSION_IDLE_MS, signedIn, toApiUser } from '../../auth/auth-service.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sessionCookie, sourceAddress } from '../request-context.js';

/** Sign-in and sign-out: the session cookie is set and cleared here, and only here. */
export function authRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, authEndpoints.login, async ({ body, request, reply }) => {
    const { user, token, permissions, roleName } = await context.auth.login({
      ...body,
      sourceAddress: sourceAddress(request),
    });
    void reply.header('set-cookie', sessionCookie(token, SESSION_IDLE_MS / 1000));
    return { user: toApiUser(user), permissions: [...permissions], roleName };
  });

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
    Promise.resolve({ ...signedIn(principal), user: toApiUser(principal.user) }),
  );
}
