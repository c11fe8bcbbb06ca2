import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  isOnAdminListener,
  isOnUserListener,
  type AnyEndpoint,
  type EndpointInput,
  type EndpointResponse,
} from '@tether/protocol';
import type { AuthService, Principal } from '../auth/auth-service.js';
import type { OemCaller } from '../oem/oem-context.js';
import type { OemService } from '../oem/oem-service.js';
import { listenerOf, type HttpsApp } from './https-app.js';
import { parseParams } from './parse-params.js';
import { noStore } from './no-store.js';
import { parseInput, requireUser, sourceAddress } from './request-context.js';
import { answeringRefusals, checkInput, type EndpointRouteOptions } from './route-refusals.js';
import { authenticateScriptToken } from './script-token-access.js';

export type { EndpointRouteOptions } from './route-refusals.js';

/** What a route handler gets: typed input, the caller (user or script token) and the raw pair. */
export type RouteInput<E extends AnyEndpoint> = EndpointInput<E> & {
  principal: E['access'] extends { kind: 'user' } ? Principal : undefined;
  /** The integrator behind the script token (OEM endpoints). */
  caller: E['access'] extends { kind: 'scriptToken' } ? OemCaller : undefined;
  request: FastifyRequest;
  reply: FastifyReply;
};

/**
 * What a download's handler may return instead of writing the reply itself: the file's content,
 * sent with the contract's `contentType` unless the handler set its own header.
 */
export type Download = string | Buffer;

type HandlerResult<E extends AnyEndpoint> = E['success']['contentType'] extends string
  ? EndpointResponse<E> | Download
  : EndpointResponse<E>;

/**
 * Who the adapter asks about callers: signed-in users and, for the integration API, script
 * tokens. The server context has this shape; routes without script-token endpoints may pass
 * the `AuthService` alone.
 */
export interface EndpointAuthenticators {
  auth: AuthService;
  oem: Pick<OemService, 'authenticate'>;
}

function hasScriptTokens(
  auth: AuthService | EndpointAuthenticators,
): auth is EndpointAuthenticators {
  return 'oem' in auth;
}

/** The caller the endpoint's access asks for: a user with its permission, or a script token. */
async function authorise(
  auth: AuthService | EndpointAuthenticators,
  target: AnyEndpoint,
  request: FastifyRequest,
): Promise<{ principal?: Principal; caller?: OemCaller }> {
  const { access } = target;
  if (access.kind === 'public') return {};
  if (access.kind === 'scriptToken') {
    // Checked at registration: a script-token endpoint is registered with an OEM authenticator.
    if (!hasScriptTokens(auth)) throw new Error(`${target.id}: no script-token authenticator`);
    return { caller: await authenticateScriptToken(auth.oem, access, request) };
  }
  const principal = await requireUser(hasScriptTokens(auth) ? auth.auth : auth, request);
  const { permission } = access;
  if (principal.user.mustChangePassword && !access.duringPasswordChange) {
    throw new AppError(
      'PASSWORD_CHANGE_REQUIRED',
      'Choose a new password first: an administrator asked you to change yours.',
    );
  }
  // The password comes first: while it must change, only the password-change calls are open.
  if (
    !principal.user.mustChangePassword &&
    principal.mustEnrolSecondFactor &&
    !access.duringSecondFactorEnrolment
  ) {
    throw new AppError(
      'SECOND_FACTOR_REQUIRED',
      'Add a second factor first (an authenticator app or a passkey, on My account): your role requires one.',
    );
  }
  await (hasScriptTokens(auth) ? auth.auth : auth).requirePermission(principal, permission, {
    target: target.id,
    sourceAddress: sourceAddress(request),
  });
  return { principal };
}

/**
 * Registers the route of one endpoint contract: the one place that authenticates (user or
 * script token), checks the permission, parses params, query and body with the contract's
 * schemas, sets the success status and marks secret answers `no-store`. The handler receives
 * typed input and returns the success body.
 *
 * @example
 * registerEndpoint(app, context.auth, installerEndpoints.list, async () => ({
 *   installers: await context.installers.list(),
 * }));
 * registerEndpoint(app, context, oemDeviceEndpoints.listDevices, ({ caller }) =>
 *   context.oem.listDevices(caller),
 * );
 */
export function registerEndpoint<E extends AnyEndpoint>(
  app: HttpsApp,
  auth: AuthService | EndpointAuthenticators,
  target: E,
  handler: (input: RouteInput<E>) => Promise<HandlerResult<E>>,
  options: EndpointRouteOptions = {},
): void {
  if (target.access.kind === 'scriptToken' && !hasScriptTokens(auth)) {
    throw new Error(`${target.id}: register script-token endpoints with the OEM authenticator`);
  }
  // An admin contract on the user listener would bypass the admin listener's network check.
  const listener = listenerOf(app);
  if (!(listener === 'admin' ? isOnAdminListener(target) : isOnUserListener(target))) {
    throw new Error(`${target.id}: its contract is not served on the ${listener} listener`);
  }
  app.route({
    method: target.method,
    url: target.path,
    handler: answeringRefusals(options, async (request, reply) => {
      const { principal, caller } = await authorise(auth, target, request);
      await checkInput(target, request, options);
      const subject = target.subject ?? 'request';
      // The one cast of the adapter: each part was just parsed with the contract's own schema,
      // which TypeScript cannot relate to the conditional types of EndpointInput.
      const input = {
        params: target.params && parseParams(target.params, request.params, subject),
        query: target.query && parseInput(target.query, request.query, `${subject} query`),
        body: target.body && parseInput(target.body, request.body, subject),
      } as EndpointInput<E>;
      const result = await handler({
        ...input,
        principal: principal as RouteInput<E>['principal'],
        caller: caller as RouteInput<E>['caller'],
        request,
        reply,
      });
      // A stream (events, a large download) writes through the raw response itself. When its
      // client went away meanwhile, nothing is left to answer, and a second send would write
      // headers twice.
      if (reply.sent || reply.raw.destroyed) return reply;
      if (target.success.noStore) void noStore(reply);
      void reply.status(target.success.status);
      if (target.success.body !== undefined) return result;
      if (typeof result === 'string' || Buffer.isBuffer(result)) {
        const { contentType } = target.success;
        if (contentType && !reply.hasHeader('content-type')) void reply.type(contentType);
        return reply.send(result);
      }
      return reply.send();
    }),
  });
}
