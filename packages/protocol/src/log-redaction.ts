/**
 * Paths pino blanks in every log line of the server and the agent. Secrets must not reach logs
 * at all; this is the net under that rule, not the rule.
 *
 * @example
 * pino({ redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' } });
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'bindPassword',
  '*.bindPassword',
  'req.headers.cookie',
  'req.headers.authorization',
  'headers.cookie',
  'headers.authorization',
];
