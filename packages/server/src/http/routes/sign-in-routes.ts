import type { FastifyRequest } from 'fastify';
import {
  AppError,
  accountSessionEndpoints,
  userSessionEndpoints,
  type SignIn,
  type User,
} from '@tether/protocol';
import { SESSION_IDLE_MS, toApiUser, type Principal } from '../../auth/auth-service.js';
import type { ServerContext } from '../../ports/server-context.js';
import type { LoginRecord } from '../../store/store.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/** The API view of a login: its non-secret ID, never the token's hash. */
function toSignIn(login: LoginRecord, principal: Principal): SignIn {
  return {
    id: login.id,
    createdAt: login.createdAt.toISOString(),
    // The expiry slides by the idle time on use (at most once a minute): use = expiry - idle.
    lastUsedAt: new Date(
      Math.max(login.createdAt.getTime(), login.expiresAt.getTime() - SESSION_IDLE_MS),
    ).toISOString(),
    expiresAt: login.expiresAt.toISOString(),
    sourceAddress: login.sourceAddress,
    isCurrent: login.tokenHash === principal.tokenHash,
  };
}

function noSuchSignIn(): AppError {
  return new AppError('NOT_FOUND', 'There is no such sign-in (it may have ended already).');
}

/** Where a user is signed in, and signing out there: their own, or any user's (administrators). */
export function signInRoutes(app: HttpsApp, context: ServerContext): void {
  const { auth, users, audit } = context;

  const list = async (userId: string, principal: Principal) => ({
    sessions: (await auth.listLogins(userId)).map((login) => toSignIn(login, principal)),
  });
  /** Audited as a sign-out of `username` by whoever asked (the user or an administrator). */
  const signedOut = (
    principal: Principal,
    request: FastifyRequest,
    username: string,
    details: Record<string, unknown>,
  ) =>
    audit.record({
      action: 'auth.logout',
      actor: principal.user.username,
      target: username,
      sourceAddress: sourceAddress(request),
      details,
    });
  const end = async (input: {
    user: User;
    loginId: string;
    principal: Principal;
    request: FastifyRequest;
  }) => {
    if (!(await auth.endLogin(input.user.id, input.loginId))) throw noSuchSignIn();
    await signedOut(input.principal, input.request, input.user.username, {
      sessionId: input.loginId,
    });
  };
  /** Ends every login of the user but the asking one; says how many ended. */
  const endAll = async (user: User, principal: Principal, request: FastifyRequest) => {
    const before = await auth.listLogins(user.id);
    await auth.endLoginsOf(user.id, principal.tokenHash);
    const ended = before.filter((login) => login.tokenHash !== principal.tokenHash).length;
    await signedOut(principal, request, user.username, { everywhere: true, ended });
    return { ended };
  };

  registerEndpoint(app, auth, accountSessionEndpoints.list, ({ principal }) =>
    list(principal.user.id, principal),
  );
  registerEndpoint(app, auth, accountSessionEndpoints.end, ({ params, principal, request }) =>
    end({ user: toApiUser(principal.user), loginId: params.id, principal, request }),
  );
  registerEndpoint(app, auth, accountSessionEndpoints.signOutEverywhere, ({ principal, request }) =>
    endAll(toApiUser(principal.user), principal, request),
  );

  registerEndpoint(app, auth, userSessionEndpoints.list, async ({ params, principal }) =>
    list((await users.get(params.id)).id, principal),
  );
  registerEndpoint(app, auth, userSessionEndpoints.end, async ({ params, principal, request }) =>
    end({ user: await users.get(params.id), loginId: params.sessionId, principal, request }),
  );
  registerEndpoint(
    app,
    auth,
    userSessionEndpoints.signOutEverywhere,
    async ({ params, principal, request }) =>
      endAll(await users.get(params.id), principal, request),
  );
}
