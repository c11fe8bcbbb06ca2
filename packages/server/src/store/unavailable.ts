import { AppError } from '@tether/protocol';

/**
 * SQLSTATE classes and codes that mean "the database cannot serve you now", not "your query is
 * wrong": 08 connection exception, 57P01–57P03 shutdown/crash/starting up, 53300 too many
 * connections.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;

/** What pg says when a connection dies under a query. */
const DRIVER_MESSAGES = /^Connection terminated/;

/**
 * The pool could not open a connection (refused, timed out, DNS, authentication): thrown by the
 * store's PostgreSQL pool in place of the driver's error, which becomes its `cause`. Marked at
 * the source because a bare `ECONNREFUSED` could as well come from an SFTP target.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  constructor(cause: unknown) {
    super(
      `Cannot connect to the database: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * Whether `error` says the database is unreachable (PostgreSQL stopped, restarting, network
 * down) rather than that the request was wrong. Such failures are temporary: callers answer 503
 * and keep running, and the pool reconnects by itself once the database is back.
 *
 * @example
 * if (isDatabaseUnavailable(error)) return reply.status(503).send(databaseUnavailable().toBody());
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_SQLSTATE.test(code)) return true;
  return DRIVER_MESSAGES.test(error.message);
}

/**
 * The error users get while the database is unreachable: 503 over HTTP, 4503 over WebSocket.
 *
 * @example
 * throw databaseUnavailable();
 */
export function databaseUnavailable(): AppError {
  return new AppError(
    'UNAVAILABLE',
    'The server cannot reach its database right now, so it refuses this request; try again in a moment.',
    { retryAfterSec: 5 },
  );
}
