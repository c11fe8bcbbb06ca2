import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type AnyEndpoint } from '@tether/protocol';

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

/**
 * Refuses malformed input with the route's own refusal, before the adapter's parsing would
 * answer INVALID_INPUT; does nothing for routes without one.
 */
export async function checkInput(
  target: AnyEndpoint,
  request: FastifyRequest,
  options: EndpointRouteOptions,
): Promise<void> {
  if (!options.invalidInput) return;
  const parts = [
    [target.params, request.params],
    [target.query, request.query],
    [target.body, request.body],
  ] as const;
  const isValid = parts.every(
    ([schema, value]) => schema === undefined || schema.safeParse(value ?? {}).success,
  );
  if (!isValid) throw await options.invalidInput(request);
}

type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * The route handler, with the route's own answer to refusals (authentication, input or the
 * handler's) when it has one; any other error goes to the server's error handler.
 */
export function answeringRefusals(
  options: EndpointRouteOptions,
  handler: RouteHandler,
): RouteHandler {
  const { answerRefusal } = options;
  if (!answerRefusal) return handler;
  return async (request, reply) => {
    try {
      return await handler(request, reply);
    } catch (error) {
      const answered = error instanceof AppError ? answerRefusal(error, request, reply) : undefined;
      if (answered) return answered;
      throw error;
    }
  };
}
