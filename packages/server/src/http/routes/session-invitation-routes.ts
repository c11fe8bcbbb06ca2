import { sessionInvitationEndpoints } from '@tether/protocol';
import type { HttpsApp } from '../https-app.js';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import { sourceAddress } from '../request-context.js';

/** Shared sessions: inviting into a running session, and joining one. */
export function sessionInvitationRoutes(app: HttpsApp, context: ServerContext): void {
  const { invitations } = context;
  registerEndpoint(
    app,
    context.auth,
    sessionInvitationEndpoints.create,
    ({ params, body, principal, request }) =>
      invitations.create({ ...principal, sourceAddress: sourceAddress(request) }, params.id, body),
  );

  registerEndpoint(
    app,
    context.auth,
    sessionInvitationEndpoints.ofSession,
    ({ params, principal, request }) =>
      Promise.resolve({
        invitations: invitations.listOf(
          { ...principal, sourceAddress: sourceAddress(request) },
          params.id,
        ),
      }),
  );

  registerEndpoint(app, context.auth, sessionInvitationEndpoints.list, ({ principal }) =>
    Promise.resolve({ invitations: invitations.listFor(principal.user) }),
  );

  registerEndpoint(
    app,
    context.auth,
    sessionInvitationEndpoints.join,
    ({ params, principal, request }) =>
      invitations.join({ ...principal, sourceAddress: sourceAddress(request) }, params.id),
  );

  registerEndpoint(
    app,
    context.auth,
    sessionInvitationEndpoints.joinExternal,
    ({ body, request }) => invitations.joinExternal(body.token, sourceAddress(request)),
  );

  registerEndpoint(
    app,
    context.auth,
    sessionInvitationEndpoints.revoke,
    ({ params, principal, request }) =>
      invitations.revoke({ ...principal, sourceAddress: sourceAddress(request) }, params.id),
  );
}
