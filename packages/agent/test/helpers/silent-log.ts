import { pino, type Logger } from 'pino';

/** A logger that writes nothing; `LOG_LEVEL=debug` shows the agent's logs while debugging a test. */
export function silentLog(): Logger {
  return pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
}
