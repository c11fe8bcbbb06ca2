import { z } from 'zod';
import { AssistanceMode, SessionKind } from '../agent/session-terms.js';
import { DeviceId, RelayToken, SessionId, Timestamp, UserId } from '../ids.js';

// What a session carries is defined agent-side: the agent imports it without the API's schemas.
export { SessionKind } from '../agent/session-terms.js';

/** Lifecycle: `pending` until both ends joined the relay, `active`, then `ended`. */
export const SessionState = z.enum(['pending', 'active', 'ended']);
export type SessionState = z.infer<typeof SessionState>;

/**
 * Whether a request's `viewOnly` can be honoured: only the desktop can drop the technician's
 * input; a terminal or file transfer limited to "viewing" would silently not be.
 *
 * @example
 * Request.refine(isViewOnlyHonoured, VIEW_ONLY_DESKTOP_ONLY);
 */
export function isViewOnlyHonoured(request: {
  kind: SessionKind;
  viewOnly?: boolean | undefined;
}): boolean {
  return !request.viewOnly || request.kind === 'desktop';
}

/** The refusal when `isViewOnlyHonoured` fails. */
export const VIEW_ONLY_DESKTOP_ONLY = {
  path: ['viewOnly'],
  message:
    'only desktop sessions can be view-only; leave viewOnly out for terminal and files sessions',
};

/**
 * `POST /api/v1/sessions`
 *
 * @example
 * const { session, relay } = await api.createSession({ deviceId, kind: 'terminal' });
 */
export const CreateSessionRequest = z
  .object({
    deviceId: DeviceId,
    kind: SessionKind,
    /** How to reach the device (M-1…M-3); optional where the device's group allows one mode only. */
    mode: AssistanceMode.optional(),
    /** Initial terminal size, so the first prompt is laid out right. */
    cols: z.int().min(1).max(1000).optional(),
    rows: z.int().min(1).max(1000).optional(),
    /** Desktop only: the technician watches, the device drops keyboard, pointer and clipboard. */
    viewOnly: z.boolean().optional(),
  })
  .refine(isViewOnlyHonoured, VIEW_ONLY_DESKTOP_ONLY);
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

/** A session as the API shows it. */
export const Session = z.object({
  id: SessionId,
  deviceId: DeviceId,
  userId: UserId,
  kind: SessionKind,
  state: SessionState,
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  endedAt: Timestamp.nullable(),
  endReason: z.string().nullable(),
  /** While pending: the user at the device is being asked to consent until then (M-1). */
  awaitingConsentUntil: Timestamp.nullable().optional(),
});
export type Session = z.infer<typeof Session>;

/**
 * Where the console joins: `wss://<server><path>?token=<token>`. The token works once, within
 * 60 seconds.
 */
export const RelayTicket = z.object({ path: z.string(), token: RelayToken, expiresAt: Timestamp });
export type RelayTicket = z.infer<typeof RelayTicket>;

/** Reply to `POST /api/v1/sessions`. */
export const CreateSessionResponse = z.object({ session: Session, relay: RelayTicket });
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>;

/** `GET /api/v1/sessions` */
export const SessionList = z.object({ sessions: z.array(Session) });
export type SessionList = z.infer<typeof SessionList>;

/** Path of a session's relay endpoint. @example relayPath(session.id) // '/relay/v1/…' */
export function relayPath(sessionId: string): string {
  return `/relay/v1/${sessionId}`;
}
