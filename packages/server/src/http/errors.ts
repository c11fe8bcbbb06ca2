import type { HttpsApp } from './https-app.js';
import { AppError, httpStatus } from '@tether/protocol';
import type { Logger } from '../logging.js';
import { databaseUnavailable, isDatabaseUnavailable } from '../store/index.js';

/**
 * The HTTP transport's error mapper: AppError → its status and `{code, message}` body; the
 * database out of reach → 503 (the request was refused, never half-done; retry later); anything
 * else → 500 with a message that holds no internals (the log has them).
 */
export function installErrorHandler(app: HttpsApp, log: Logger): void {
  app.setErrorHandler((thrown: unknown, request, reply) => {
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
    const fastifyError = error as { statusCode?: number; code?: string; message?: string };
    if (fastifyError.statusCode && fastifyError.statusCode < 500) {
      const message =
        fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Send JSON (Content-Type: application/json).'
          : fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'The request body is too large.'
            : 'The request body is not valid JSON.';
      return reply
        .status(fastifyError.statusCode === 413 ? 413 : 400)
        .send({ code: 'INVALID_INPUT', message });
    }
    log.error({ err: error, url: request.url, method: request.method }, 'request failed');
    return reply.status(500).send({
      code: 'INTERNAL',
      message: 'The server failed to handle this request; the details are in its log.',
    });
  });
}

/** The body of a 404 for an unknown endpoint. */
export function notFoundBody(method: string, url: string): { code: 'NOT_FOUND'; message: string } {
  return { code: 'NOT_FOUND', message: `No such endpoint: ${method} ${url.split('?')[0] ?? ''}` };
}
