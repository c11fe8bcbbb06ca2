// The error codes and the error class without zod, so code that only throws or maps errors (the
// `tether` command's start, above all: `tether --help`) does not load zod. errors.ts adds the
// schemas of the same codes and re-exports all of this.

/** Stable error codes shared by every transport; `ErrorCode` (errors.ts) is their schema. */
export const ERROR_CODES = [
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'FORBIDDEN',
  /** The user must choose a new password (`POST /api/v1/account/password`) before anything else. */
  'PASSWORD_CHANGE_REQUIRED',
  /**
   * The user's role requires a second factor and they have none: they must enrol one (the
   * `/api/v1/account/second-factors` endpoints) before anything else.
   */
  'SECOND_FACTOR_REQUIRED',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_INPUT',
  'DEVICE_OFFLINE',
  'CONSENT_DENIED',
  'OUTSIDE_ACCESS_WINDOW',
  'RATE_LIMITED',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'TOKEN_REVOKED',
  'SESSION_ENDED',
  'UNSUPPORTED_VERSION',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

/**
 * Stable error codes shared by every transport. Clients branch on these, never on messages.
 *
 * @example
 * if (error.code === 'DEVICE_OFFLINE') showReconnectHint();
 */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The wire shape of every error; `ErrorBody` in errors.ts is its schema and the same type. */
interface ErrorBodyShape {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown> | undefined;
}

/**
 * The one error class of Tether. Messages say what failed and what to do next; they never hold
 * secrets or stack traces, because they travel to browsers and agents as they are.
 *
 * @example
 * throw new AppError('DEVICE_OFFLINE', 'Cannot open a terminal on "web-01": the device is offline.');
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** The wire form of this error. */
  toBody(): ErrorBodyShape {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}
