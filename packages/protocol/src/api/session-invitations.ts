import { z } from 'zod';
import { DeviceId, SessionId, Timestamp, UserId } from '../ids.js';
import { Username } from './users.js';
import { RelayTicket, SessionKind } from './sessions.js';

/** An invitation's ID (UUID). @example SessionInvitationId.parse(crypto.randomUUID()) */
export const SessionInvitationId = z.uuid();
export type SessionInvitationId = z.infer<typeof SessionInvitationId>;

/**
 * The secret of an external invitation link: 32 random bytes, base64url. It works once.
 *
 * @example
 * const token = InvitationToken.parse(new URL(link).pathname.split('/').pop());
 */
export const InvitationToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be an invitation token');

/** Who is invited: a console user, or someone without an account (a one-time link). */
export const InviteeRequest = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('user'), username: Username }),
  z.strictObject({
    type: z.literal('external'),
    /** How the guest is named to the technician and the user at the device. */
    name: z.string().trim().min(1, 'must not be empty').max(64),
  }),
]);
export type InviteeRequest = z.infer<typeof InviteeRequest>;

/**
 * `POST /api/v1/sessions/:id/invitations`: invite someone into a running session.
 *
 * @example
 * await api.inviteToSession(sessionId, { invitee: { type: 'user', username: 'jo' }, control: false });
 */
export const CreateInvitationRequest = z.strictObject({
  invitee: InviteeRequest,
  /** Whether the guest may type (terminal) or steer (desktop); false: view only. */
  control: z.boolean(),
  /** How long the invitation may be accepted (default 10 minutes). */
  expiresInMinutes: z.int().min(1).max(60).optional(),
});
export type CreateInvitationRequest = z.infer<typeof CreateInvitationRequest>;

/** Where an invitation stands. `joined`: used (each invitation admits its guest once). */
export const InvitationState = z.enum(['pending', 'joined', 'revoked', 'expired']);
export type InvitationState = z.infer<typeof InvitationState>;

/** The invitee as the API shows them. */
export const Invitee = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), userId: UserId, username: z.string() }),
  z.object({ type: z.literal('external'), name: z.string() }),
]);
export type Invitee = z.infer<typeof Invitee>;

/**
 * An invitation into a running session, as the API shows it (never with its link's secret).
 *
 * @example
 * const who = invitation.invitee.type === 'user' ? invitation.invitee.username : invitation.invitee.name;
 */
export const SessionInvitation = z.object({
  id: SessionInvitationId,
  sessionId: SessionId,
  deviceId: DeviceId,
  deviceName: z.string(),
  kind: SessionKind,
  /** Username of the technician who invited. */
  invitedBy: z.string(),
  invitee: Invitee,
  control: z.boolean(),
  state: InvitationState,
  createdAt: Timestamp,
  expiresAt: Timestamp,
});
export type SessionInvitation = z.infer<typeof SessionInvitation>;

/**
 * Reply to an invitation: for an external guest, `link` is the one-time URL to hand over (shown
 * once, never stored in clear).
 */
export const CreateInvitationResponse = z.object({
  invitation: SessionInvitation,
  link: z.url().optional(),
});
export type CreateInvitationResponse = z.infer<typeof CreateInvitationResponse>;

/** `GET /api/v1/session-invitations`: pending invitations addressed to the signed-in user. */
export const SessionInvitationList = z.object({ invitations: z.array(SessionInvitation) });
export type SessionInvitationList = z.infer<typeof SessionInvitationList>;

/** `POST /api/v1/session-invitations/external`: an external guest redeems their link. */
export const JoinExternalRequest = z.strictObject({ token: InvitationToken });
export type JoinExternalRequest = z.infer<typeof JoinExternalRequest>;

/**
 * Reply to joining: the session's relay, joined like the inviter's (`wss://<server><relay.path>?token=…`
 * within 60 seconds). A view-only guest's input is dropped by the server.
 */
export const JoinInvitationResponse = z.object({
  invitation: SessionInvitation,
  relay: RelayTicket,
});
export type JoinInvitationResponse = z.infer<typeof JoinInvitationResponse>;

/** Path of the console page an external guest opens. @example invitationLinkPath(token) // '/join/…' */
export function invitationLinkPath(token: string): string {
  return `/join/${token}`;
}
