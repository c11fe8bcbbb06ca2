import { z } from 'zod';
import { AssistanceMode, SessionKind, SessionRights, UnattendedAccessId } from './session-terms.js';
import { ErrorBody } from '../errors.js';
import { SessionId } from '../ids.js';

/** The agent's local consent socket, in its data directory (mode 0600). */
export const CONSENT_SOCKET_FILE = 'prompts.sock';

/**
 * A consent question waiting for the user at the device (M-1).
 *
 * @example
 * `${prompt.technician} asks to open a ${prompt.kind} session (${prompt.rights.join(', ')})`
 */
export const ConsentPrompt = z.object({
  /** The session it is about. */
  id: SessionId,
  technician: z.string(),
  kind: SessionKind,
  mode: AssistanceMode,
  rights: SessionRights,
  /** When the question is answered "no" if nobody answers (ms since the epoch). */
  expiresAt: z.int(),
});
export type ConsentPrompt = z.infer<typeof ConsentPrompt>;

/**
 * One request line on the consent socket (`tether agent prompts …`, `tether agent sessions end`).
 *
 * @example
 * socket.write(JSON.stringify({ op: 'accept', id }) + '\n');
 */
export const ConsentIpcRequest = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('list') }),
  z.strictObject({ op: z.literal('accept'), id: SessionId }),
  z.strictObject({ op: z.literal('deny'), id: SessionId }),
  z.strictObject({ op: z.literal('end'), id: SessionId }),
  /**
   * The user at the device turns unattended access off (M-2): every access stops working and
   * the server is told. With `accessId`, only when the service is on for that access.
   */
  z.strictObject({ op: z.literal('unattended-off'), accessId: UnattendedAccessId.optional() }),
]);
export type ConsentIpcRequest = z.infer<typeof ConsentIpcRequest>;

/**
 * The agent's reply line: the waiting prompts and running sessions, or an error.
 *
 * @example
 * const reply = ConsentIpcReply.parse(JSON.parse(line));
 */
export const ConsentIpcReply = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    prompts: z.array(ConsentPrompt),
    sessions: z.array(
      z.object({
        id: SessionId,
        kind: SessionKind,
        technician: z.string(),
        /** Milliseconds since the epoch. */
        startedAt: z.int().optional(),
        /** Who else the technician invited into it, e.g. `jo (view only)`. */
        guests: z.array(z.string()).optional(),
      }),
    ),
    /** Unattended accesses the service is on for (M-2). */
    unattended: z
      .array(z.object({ accessId: UnattendedAccessId, enabledAt: z.int(), sessions: z.int() }))
      .default([]),
  }),
  z.object({ ok: z.literal(false), error: ErrorBody }),
]);
export type ConsentIpcReply = z.infer<typeof ConsentIpcReply>;
