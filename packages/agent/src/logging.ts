import { pino, type Logger } from 'pino';
import { REDACTED_LOG_PATHS } from '@tether/protocol/agent';

/**
 * The agent's structured JSON logs (stdout, or a given stream), with the same redaction as the
 * server's. The agent has its own so that running it never loads the server.
 */
export function createLogger(options: {
  level: string;
  destination?: NodeJS.WritableStream;
}): Logger {
  return pino(
    { level: options.level, redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' } },
    options.destination ?? process.stdout,
  );
}
