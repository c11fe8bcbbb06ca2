import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, httpStatus, type ErrorBody } from '@tether/protocol';
import type { Logger } from '../logging.js';
import { databaseUnavailable, isDatabaseUnavailable } from '../store/index.js';

/** Fastify's own 4xx refusals, in the words a user of the API needs. */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send JSON (Content-Type: application/json).',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
  FST_ERR_CTP_EMPTY_JSON_BODY:
    'The request body is empty; send a JSON object (or no Content-Type header).',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
  FST_ERR_BAD_URL:
    'The address is not a valid URL: a "%" in it does not start a valid percent-encoded character. Encode each part of the path with encodeURIComponent.',
  FST_ERR_INVALID_URL: 'The address is not a valid URL.',
  FST_ERR_ASYNC_CONSTRAINT: 'The request does not match any endpoint.',
};

/** The `{code, message}` of a framework refusal; undefined for anything that is not one. */
function frameworkRefusal(error: unknown): { status: number; body: ErrorBody } | undefined {
  const fastifyError = error as { statusCode?: unknown; code?: unknown };
  if (typeof fastifyError.statusCode !== 'number' || fastifyError.statusCode >= 500)
    return undefined;
  const code = typeof fastifyError.code === 'string' ? fastifyError.code : '';
  const message = FRAMEWORK_MESSAGES[code] ?? 'The request is malformed.';
  return {
    status: fastifyError.statusCode === 413 ? 413 : 400,
    body: { code: 'INVALID_INPUT', message },
  };
}

/**
 * The HTTP transport's one error mapper: AppError → its status and `{code, message}` body;
 * Fastify's own refusals (malformed URL, bad JSON, wrong media type) → 400 `INVALID_INPUT` in
 * plain words; anything else → 500 with a message that holds no internals (the log has them).
 * It also answers the errors Fastify raises before routing (`frameworkErrors`), so no request
 * ever gets the framework's raw JSON.
 */
export function routeErrorHandler(
  log: Logger,
): (error: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, request, reply) => sendError(error, { request, reply, log });
}

/**
 * For Fastify's `frameworkErrors` option: errors raised before routing (e.g. `%ZZ` in a path).
 *
 * @example
 * Fastify({ frameworkErrors: frameworkErrorHandler(log) })
 */
export function frameworkErrorHandler(
  log: Logger,
): (error: Error, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => void sendError(error, { request, reply, log });
}

function sendError(
  thrown: unknown,
  context: { request: FastifyRequest; reply: FastifyReply; log: Logger },
): FastifyReply {
  const { request, reply, log } = context;
  const unavailable = isDatabaseUnavailable(thrown);
  if (unavailable)
    // One line without the stack: during an outage every request fails the same way.
    log.warn(
      { url: request.url, method: request.method, cause: (thrown as Error).message },
      'request refused: the database is unavailable',
    );
  const error = unavailable ? databaseUnavailable() : thrown;
  if (error instanceof AppError) {
    if (
      (error.code === 'RATE_LIMITED' || error.code === 'UNAVAILABLE') &&
      typeof error.details?.retryAfterSec === 'number'
    ) {
      void reply.header('retry-after', String(error.details.retryAfterSec));
    }
    return reply.status(httpStatus[error.code]).send(error.toBody());
  }
  const refusal = frameworkRefusal(error);
  if (refusal) return reply.status(refusal.status).send(refusal.body);
  log.error({ err: error, url: request.url, method: request.method }, 'request failed');
  return reply.status(500).send({
    code: 'INTERNAL',
    message: 'The server failed to handle this request; the details are in its log.',
  });
}

/** The body of a 404 for an unknown endpoint. */
export function notFoundBody(method: string, url: string): { code: 'NOT_FOUND'; message: string } {
  return { code: 'NOT_FOUND', message: `No such endpoint: ${method} ${url.split('?')[0] ?? ''}` };
}
