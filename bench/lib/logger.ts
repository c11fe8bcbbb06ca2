import { createLogger, type Logger } from '@tether/server';

/**
 * The logger the benchmark hands to agent code it runs in-process: errors only, to stderr, so
 * the result table on stdout stays readable and real failures still show.
 */
export function benchLogger(): Logger {
  return createLogger({ level: 'error', destination: process.stderr });
}
