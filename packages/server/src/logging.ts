import { pino, type Logger } from 'pino';
import { REDACTED_LOG_PATHS } from '@tether/protocol';

/** Structured JSON logs to stdout (or a given stream), with secrets redacted. */
export function createLogger(options: {
  level: string;
  destination?: NodeJS.WritableStream;
}): Logger {
  return pino(
    { level: options.level, redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' } },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
