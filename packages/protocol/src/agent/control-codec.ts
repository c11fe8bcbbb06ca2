// How control-channel messages are parsed and dispatched, whatever their union: one parse that
// answers an error body instead of throwing, and handler maps the compiler checks for every type.
import type { z } from 'zod';
import type { ErrorBody } from '../errors.js';

/** Picks one member of a message union by its `type`. */
export type MessageOf<U extends { type: string }, K extends U['type']> = Extract<U, { type: K }>;

/**
 * A handler for every message type of a union, checked exhaustively by the compiler.
 *
 * @example
 * const handlers: HandlerMap<ServerMessage> = { challenge: (m) => …, welcome: (m) => …, … };
 */
export type HandlerMap<U extends { type: string }, R = void> = {
  [K in U['type']]: (message: MessageOf<U, K>) => R;
};

/**
 * The schema of each message type of a union, keyed by type (checked by the compiler).
 *
 * @example
 * const schemas: MessageSchemas<ServerMessage> = { challenge: ServerChallenge, … };
 */
export type MessageSchemas<U extends { type: string }> = {
  [K in U['type']]: z.ZodType<MessageOf<U, K>>;
};

type Parsed<T> = { ok: true; message: T } | { ok: false; error: ErrorBody };

const invalid = (message: string): { ok: false; error: ErrorBody } => ({
  ok: false,
  error: { code: 'INVALID_INPUT', message },
});

function parseJson(text: string): { ok: true; json: unknown } | { ok: false; error: ErrorBody } {
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch {
    return invalid('Message is not JSON.');
  }
}

function parseWith<T>(schema: z.ZodType<T>, json: unknown): Parsed<T> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const first = parsed.error.issues[0];
  const where = first?.path.join('.') || '(message)';
  return invalid(`Malformed message: ${where}: ${first?.message ?? 'invalid'}.`);
}

/**
 * Parses a control-channel text frame; returns an `INVALID_INPUT` error body instead of throwing.
 *
 * @example
 * const result = parseControlMessage(AgentMessage, text);
 * if (!result.ok) socket.close(4422, result.error.message);
 */
export function parseControlMessage<T>(schema: z.ZodType<T>, text: string): Parsed<T> {
  const read = parseJson(text);
  return read.ok ? parseWith(schema, read.json) : read;
}

/**
 * Parses a control-channel text frame with the schema of its `type` only, so a receiver whose
 * schemas are built on first use (`lazySchema`) builds just those of the messages that
 * arrive; the same answers as {@link parseControlMessage} on the whole union.
 *
 * @example
 * const result = parseControlMessageByType(SERVER_MESSAGE_SCHEMAS, text);
 */
export function parseControlMessageByType<U extends { type: string }>(
  schemas: MessageSchemas<U>,
  text: string,
): Parsed<U> {
  const read = parseJson(text);
  if (!read.ok) return read;
  const type: unknown = (read.json as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(schemas, type))
    return invalid(`Malformed message: type: unknown message type ${JSON.stringify(type)}.`);
  return parseWith(schemas[type as U['type']] as z.ZodType<U>, read.json);
}
