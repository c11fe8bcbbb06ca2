import { z } from 'zod';
import { AppError, ERROR_CODES } from './app-error.js';
import { describeIssues } from './input-issues.js';

/**
 * Stable error codes shared by every transport. Clients branch on these, never on messages.
 *
 * @example
 * if (error.code === 'DEVICE_OFFLINE') showReconnectHint();
 */
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * The wire shape of every error: REST bodies, control-channel `error` messages, close reasons.
 *
 * @example
 * const body: ErrorBody = { code: 'NOT_FOUND', message: 'No device "web-01".' };
 */
export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * HTTP status for each code (the HTTP transport's mapper).
 *
 * @example
 * reply.status(httpStatus[error.code]);
 */
export const httpStatus: Record<ErrorCode, number> = {
  AUTH_REQUIRED: 401,
  AUTH_FAILED: 401,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  SECOND_FACTOR_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_INPUT: 422,
  DEVICE_OFFLINE: 409,
  CONSENT_DENIED: 403,
  OUTSIDE_ACCESS_WINDOW: 403,
  RATE_LIMITED: 429,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  TOKEN_REVOKED: 401,
  SESSION_ENDED: 410,
  UNSUPPORTED_VERSION: 426,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/**
 * WebSocket close code for each error code (the WebSocket transport's mapper). 4000–4999 is
 * the range RFC 6455 leaves to applications; the close reason carries the message.
 *
 * @example
 * socket.close(wsCloseCode.FORBIDDEN, 'Origin not allowed');
 */
export const wsCloseCode: Record<ErrorCode, number> = {
  AUTH_REQUIRED: 4401,
  AUTH_FAILED: 4401,
  FORBIDDEN: 4403,
  PASSWORD_CHANGE_REQUIRED: 4403,
  SECOND_FACTOR_REQUIRED: 4403,
  NOT_FOUND: 4404,
  CONFLICT: 4409,
  INVALID_INPUT: 4422,
  DEVICE_OFFLINE: 4410,
  CONSENT_DENIED: 4403,
  OUTSIDE_ACCESS_WINDOW: 4403,
  RATE_LIMITED: 4429,
  TOKEN_EXPIRED: 4401,
  TOKEN_INVALID: 4401,
  TOKEN_REVOKED: 4401,
  SESSION_ENDED: 4410,
  UNSUPPORTED_VERSION: 4426,
  UNAVAILABLE: 4503,
  INTERNAL: 4500,
};

/**
 * Turns a zod failure into the `INVALID_INPUT` error users see: plain sentences that name the
 * bad fields as the request spells them (`deviceId must be a device ID (a UUID)`), never zod's
 * own wording.
 *
 * @example
 * const parsed = Login.safeParse(body);
 * if (!parsed.success) throw invalidInput('sign-in request', parsed.error);
 */
export function invalidInput(what: string, error: z.ZodError): AppError {
  const problems = describeIssues(error, `the ${what}`);
  const sentence = problems.join('; ');
  const message = sentence.startsWith(`the ${what} `)
    ? `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`
    : `Invalid ${what}: ${sentence}.`;
  return new AppError('INVALID_INPUT', message, { issues: problems });
}

/**
 * Parses a request with its schema, or throws the `INVALID_INPUT` error {@link invalidInput}
 * words: what every service does with what a caller sent.
 *
 * @example
 * const input = parseOrThrow(CreateUserRequest, request, 'user');
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(what, parsed.error);
  return parsed.data;
}
