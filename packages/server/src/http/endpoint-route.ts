import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  ROLE_PERMISSIONS,
  type AnyEndpoint,
  type EndpointInput,
  type EndpointResponse,
} from '@tether/protocol';
import type { AuthService, Principal } from '../auth/auth-service.js';
import type { HttpsApp } from './https-app.js';
import { parseParams } from './parse-params.js';
import { parseInput, requireUser } from './request-context.js';

/** What a route handler gets: typed input, the caller (for user endpoints) and the raw pair. */
export type RouteInput<E extends AnyEndpoint> = EndpointInput<E> & {
  principal: E['access'] extends { kind: 'user' } ? Principal : undefined;
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

/** The caller, when the endpoint needs a signed-in user with its permission. */
async function authorise(
  auth: AuthService,
  target: AnyEndpoint,
  request: FastifyRequest,
): Promise<Principal | undefined> {
  if (target.access.kind === 'public') return undefined;
  if (target.access.kind === 'scriptToken') {
    throw new Error(
      `${target.id}: script-token endpoints are not registered through this adapter yet`,
    );
  }
  const principal = await requireUser(auth, request);
  const { permission } = target.access;
  if (!ROLE_PERMISSIONS[principal.user.role].includes(permission)) {
    throw new AppError(
      'FORBIDDEN',
      `Your role (${principal.user.role}) does not allow this: it needs the permission "${permission}". Ask an administrator.`,
    );
  }
  return principal;
}

/**
 * Registers the route of one endpoint contract: the one place that authenticates, checks the
 * permission, parses params, query and body with the contract's schemas, and sets the success
 * status. The handler receives typed input and returns the success body.
 *
 * @example
 * registerEndpoint(app, context.auth, installerEndpoints.list, async () => ({
 *   installers: await context.installers.list(),
 * }));
 */
export function registerEndpoint<E extends AnyEndpoint>(
  app: HttpsApp,
  auth: AuthService,
  target: E,
  handler: (input: RouteInput<E>) => Promise<HandlerResult<E>>,
): void {
  app.route({
    method: target.method,
    url: target.path,
    handler: async (request, reply) => {
      const principal = await authorise(auth, target, request);
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
        request,
        reply,
      });
      // A stream (events, a large download) writes through the raw response itself. When its
      // client went away meanwhile, nothing is left to answer, and a second send would write
      // headers twice.
      if (reply.sent || reply.raw.destroyed) return reply;
      void reply.status(target.success.status);
      if (target.success.body !== undefined) return result;
      if (typeof result === 'string' || Buffer.isBuffer(result)) {
        const { contentType } = target.success;
        if (contentType && !reply.hasHeader('content-type')) void reply.type(contentType);
        return reply.send(result);
      }
      return reply.send();
    },
  });
}
