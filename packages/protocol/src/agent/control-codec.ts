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
 * Parses a control-channel text frame; returns an `INVALID_INPUT` error body instead of throwing.
 *
 * @example
 * const result = parseControlMessage(AgentMessage, text);
 * if (!result.ok) socket.close(4422, result.error.message);
 */
export function parseControlMessage<T>(
  schema: z.ZodType<T>,
  text: string,
): { ok: true; message: T } | { ok: false; error: ErrorBody } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: { code: 'INVALID_INPUT', message: 'Message is not JSON.' } };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.join('.') || '(message)';
    return {
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: `Malformed message: ${where}: ${first?.message ?? 'invalid'}.`,
      },
    };
  }
  return { ok: true, message: parsed.data };
}
