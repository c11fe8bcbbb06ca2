import { z } from 'zod';
import {
  CreateInvitationRequest,
  CreateInvitationResponse,
  JoinExternalRequest,
  JoinInvitationResponse,
  SessionInvitationId,
  SessionInvitationList,
} from '../api/session-invitations.js';
import { SessionId } from '../ids.js';
import { endpoint } from './endpoint.js';

const InvitationParams = z.object({ id: SessionInvitationId });

/** Shared sessions: invitations into a running session and joining one. */
export const sessionInvitationEndpoints = {
  create: endpoint({
    id: 'sessionInvitations.create',
    method: 'POST',
    path: '/api/v1/sessions/:id/invitations',
    summary: 'Invite someone into a running session',
    description:
      'The technician in session invites a console user (who sees the invitation in the console and must hold the right for the session on the device) or an external guest (a one-time link that works once and expires). `control: false` makes the guest view only. The user at the device is told who joins.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'invitation',
    params: z.object({ id: SessionId }),
    body: CreateInvitationRequest,
    success: { status: 201, body: CreateInvitationResponse, noStore: true },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'SESSION_ENDED'],
  }),
  ofSession: endpoint({
    id: 'sessionInvitations.ofSession',
    method: 'GET',
    path: '/api/v1/sessions/:id/invitations',
    summary: "List a session's invitations",
    description:
      'Every invitation into a running session with its state (pending, joined, revoked, expired), for the technician in session (or one with `sessions.manage`); empty once the session ended.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'session',
    params: z.object({ id: SessionId }),
    success: { status: 200, body: SessionInvitationList },
    errors: ['INVALID_INPUT', 'FORBIDDEN'],
  }),
  list: endpoint({
    id: 'sessionInvitations.list',
    method: 'GET',
    path: '/api/v1/session-invitations',
    summary: 'List my invitations',
    description: 'Pending invitations addressed to the signed-in user, newest first.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'invitation list',
    success: { status: 200, body: SessionInvitationList },
    errors: [],
  }),
  join: endpoint({
    id: 'sessionInvitations.join',
    method: 'POST',
    path: '/api/v1/session-invitations/:id/join',
    summary: 'Join a session I was invited into',
    description:
      'Accepts the invitation (once) and returns a relay ticket into the running session: join `wss://<server><relay.path>?token=<relay.token>` within 60 seconds.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'invitation',
    params: InvitationParams,
    success: { status: 200, body: JoinInvitationResponse, noStore: true },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'SESSION_ENDED', 'TOKEN_EXPIRED'],
  }),
  joinExternal: endpoint({
    id: 'sessionInvitations.joinExternal',
    method: 'POST',
    path: '/api/v1/session-invitations/external',
    summary: 'Join a session with a one-time link',
    description:
      'An external guest redeems the token of their link (it works once and expires) and gets a relay ticket into the running session.',
    access: { kind: 'public' },
    subject: 'invitation link',
    body: JoinExternalRequest,
    success: { status: 200, body: JoinInvitationResponse, noStore: true },
    errors: ['INVALID_INPUT', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'SESSION_ENDED'],
  }),
  revoke: endpoint({
    id: 'sessionInvitations.revoke',
    method: 'DELETE',
    path: '/api/v1/session-invitations/:id',
    summary: 'Withdraw an invitation',
    description:
      'The technician who invited (or one with `sessions.manage`) withdraws a pending invitation, or removes a guest who already joined from the session.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'invitation',
    params: InvitationParams,
    success: { status: 204, body: undefined },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN'],
  }),
};
