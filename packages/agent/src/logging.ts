import { hostname } from 'node:os';
import { REDACTED_LOG_PATHS } from '@tether/protocol/agent';

/**
 * One log method: an object of fields and a message, or a message alone (pino's calling style,
 * so a pino logger, as the demo and tests pass, is a {@link Logger} too).
 */
export interface LogMethod {
  (fields: object, message?: string): void;
  (message: string): void;
}

/** What the agent logs through. */
export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): Logger;
}

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
const CENSOR = '[redacted]';
const REDACTED_PATHS = REDACTED_LOG_PATHS.map((path) => path.split('.'));

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` with what `path` names (`*`: any key) censored; copies only what it changes. */
function redacted(value: unknown, path: readonly string[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return CENSOR;
  if (!isRecord(value)) return value;
  const keys = head === '*' ? Object.keys(value) : Object.hasOwn(value, head) ? [head] : [];
  let copy: Record<string, unknown> | undefined;
  for (const key of keys) {
    const next = redacted(value[key], rest);
    if (next !== value[key]) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

/** Errors as pino's standard serializer writes them; bigints as text. */
function jsonValue(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const { name: type, message, stack } = value;
    return { ...Object.fromEntries(Object.entries(value)), type, message, stack };
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

function line(record: Record<string, unknown>): string {
  const clean = REDACTED_PATHS.reduce<unknown>((value, path) => redacted(value, path), record);
  try {
    return `${JSON.stringify(clean, jsonValue)}\n`;
  } catch (error) {
    // A circular object in the fields: the line still says what happened.
    const { level, time, pid, msg } = record;
    const reason = `fields not logged: ${(error as Error).message}`;
    return `${JSON.stringify({ level, time, pid, msg, logError: reason })}\n`;
  }
}

function loggerAt(options: {
  level: number;
  bindings: Record<string, unknown>;
  destination: NodeJS.WritableStream;
}): Logger {
  const { level, bindings, destination } = options;
  const method =
    (value: number): LogMethod =>
    (first: object | string, message?: string) => {
      if (value < level) return;
      const fields = typeof first === 'string' ? { msg: first } : { ...first, msg: message };
      destination.write(line({ level: value, time: Date.now(), ...bindings, ...fields }));
    };
  return {
    debug: method(LEVELS.debug),
    info: method(LEVELS.info),
    warn: method(LEVELS.warn),
    error: method(LEVELS.error),
    child: (more) => loggerAt({ level, bindings: { ...bindings, ...more }, destination }),
  };
}

/**
 * The agent's structured JSON logs (stdout, or a given stream): pino's line format (`level`,
 * `time`, `pid`, `hostname`, `msg`) and the same redaction as the server's, written by the
 * agent itself. pino cost an idle agent ~0.6 MiB (its transport machinery loads
 * `worker_threads`, `thread-stream` and `sonic-boom` even when unused), and the agent's logging
 * is this small; running the agent never loads the server either way.
 *
 * @example
 * const log = createLogger({ level: 'info' });
 * log.child({ sessionId }).warn({ err: error }, 'the shell ended');
 */
export function createLogger(options: {
  level: string;
  destination?: NodeJS.WritableStream;
}): Logger {
  const level = (LEVELS as Record<string, number | undefined>)[options.level];
  if (level === undefined)
    throw new Error(
      `Unknown log level "${options.level}": use one of ${Object.keys(LEVELS).join(', ')}.`,
    );
  return loggerAt({
    level,
    bindings: { pid: process.pid, hostname: hostname() },
    destination: options.destination ?? process.stdout,
  });
}
