import { pino, type Logger } from 'pino';

/**
 * Paths pino blanks in every log line. Secrets must not reach logs at all; this is the net
 * under that rule, not the rule.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'req.headers.cookie',
  'req.headers.authorization',
  'headers.cookie',
  'headers.authorization',
];

/** Structured JSON logs to stdout (or a given stream), with secrets redacted. */
export function createLogger(options: {
  level: string;
  destination?: NodeJS.WritableStream;
}): Logger {
  return pino(
    { level: options.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
