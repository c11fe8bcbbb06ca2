import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  AppError,
  ROLE_PERMISSIONS,
  type AnyEndpoint,
  type EndpointInput,
  type EndpointResponse,
} from '@tether/protocol';
import type { AuthService, Principal } from '../auth/auth-service.js';
import type { OemService } from '../oem/oem-service.js';
import type { OemCaller } from '../oem/oem-context.js';
import type { HttpsApp } from './https-app.js';
import { noStore } from './no-store.js';
import { parseInput, requireUser, sourceAddress } from './request-context.js';

/** What a route handler gets: typed input, the caller (user or script token) and the raw pair. */
export type RouteInput<E extends AnyEndpoint> = EndpointInput<E> & {
  principal: E['access'] extends { kind: 'user' } ? Principal : undefined;
  /** The integrator behind the script token (OEM endpoints). */
  caller: E['access'] extends { kind: 'scriptToken' } ? OemCaller : undefined;
  request: FastifyRequest;
  reply: FastifyReply;
};

/**
 * Who the adapter asks about callers: signed-in users and, for the integration API, script
 * tokens. The server context has this shape; routes without script-token endpoints may pass
 * the `AuthService` alone.
 */
export interface EndpointAuthenticators {
  auth: AuthService;
  oem: Pick<OemService, 'authenticate'>;
}

/** How one route departs from the common answers (only the one-time control URL needs this). */
export interface EndpointRouteOptions {
  /**
   * The refusal of malformed params, query or body when it is not the usual INVALID_INPUT
   * naming the fields: a malformed control URL is refused (and audited) like any invalid one.
   */
  invalidInput?: (request: FastifyRequest) => Promise<AppError>;
  /**
   * Answers a refusal in another form than the JSON error body (a page for a browser); returns
   * undefined to keep the JSON body.
   */
  answerRefusal?: (
    error: AppError,
    request: FastifyRequest,
    reply: FastifyReply,
  ) => FastifyReply | undefined;
}

interface Caller {
  principal?: Principal;
  caller?: OemCaller;
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
): Promise<Caller> {
  const { access } = target;
  if (access.kind === 'public') return {};
  if (access.kind === 'scriptToken') {
    // Checked at registration: a script-token endpoint is registered with an OEM authenticator.
    if (!hasScriptTokens(auth)) throw new Error(`${target.id}: no script-token authenticator`);
    const caller = await auth.oem.authenticate({
      authorization: request.headers.authorization,
      sourceAddress: sourceAddress(request),
      operation: access.operation,
    });
    return { caller };
  }
  const principal = await requireUser(hasScriptTokens(auth) ? auth.auth : auth, request);
  const { permission } = access;
  if (!ROLE_PERMISSIONS[principal.user.role].includes(permission)) {
    throw new AppError(
      'FORBIDDEN',
      `Your role (${principal.user.role}) does not allow this: it needs the permission "${permission}". Ask an administrator.`,
    );
  }
  return { principal };
}

/** Parses params, query and body with the contract's schemas, in that order. */
async function parseRequest<E extends AnyEndpoint>(
  target: E,
  request: FastifyRequest,
  options: EndpointRouteOptions,
): Promise<EndpointInput<E>> {
  const subject = target.subject ?? 'request';
  const parse = async (schema: z.ZodType | undefined, value: unknown, what: string) => {
    if (!schema) return undefined;
    try {
      return parseInput(schema, value, what);
    } catch (error) {
      throw options.invalidInput ? await options.invalidInput(request) : error;
    }
  };
  // The one cast of the adapter: each part was just parsed with the contract's own schema,
  // which TypeScript cannot relate to the conditional types of EndpointInput.
  return {
    params: await parse(target.params, request.params, `${subject} path`),
    query: await parse(target.query, request.query, `${subject} query`),
    body: await parse(target.body, request.body, subject),
  } as EndpointInput<E>;
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
  handler: (input: RouteInput<E>) => Promise<EndpointResponse<E>>,
  options: EndpointRouteOptions = {},
): void {
  if (target.access.kind === 'scriptToken' && !hasScriptTokens(auth)) {
    throw new Error(`${target.id}: register script-token endpoints with the OEM authenticator`);
  }
  const answer = async (request: FastifyRequest, reply: FastifyReply) => {
    const { principal, caller } = await authorise(auth, target, request);
    const input = await parseRequest(target, request, options);
    const result = await handler({
      ...input,
      principal: principal as RouteInput<E>['principal'],
      caller: caller as RouteInput<E>['caller'],
      request,
      reply,
    });
    // A download streams through the raw response itself.
    if (reply.sent) return reply;
    if (target.success.noStore) void noStore(reply);
    void reply.status(target.success.status);
    return target.success.body === undefined ? reply.send() : result;
  };
  app.route({
    method: target.method,
    url: target.path,
    handler: async (request, reply) => {
      if (!options.answerRefusal) return answer(request, reply);
      try {
        return await answer(request, reply);
      } catch (error) {
        const answered =
          error instanceof AppError ? options.answerRefusal(error, request, reply) : undefined;
        if (answered) return answered;
        throw error;
      }
    },
  });
}
