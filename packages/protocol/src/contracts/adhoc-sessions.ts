import { z } from 'zod';
import {
  AdhocSessionId,
  AdhocSessionList,
  AttachSupportCodeRequest,
  AttachSupportCodeResponse,
  CreateAdhocSessionRequest,
  CreateAdhocSessionResponse,
  RedeemSupportCodeRequest,
  SupportDownload,
} from '../api/adhoc-sessions.js';
import { endpoint } from './endpoint.js';

/** Why a code is refused on the portal: unknown, expired, already used, or too many guesses. */
const codeRefusals = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'TOKEN_EXPIRED',
  'CONFLICT',
  'RATE_LIMITED',
] as const;

/**
 * Ad-hoc sessions: a technician makes a code, the user enters it on the public support
 * portal (`/support`) and runs the one-time agent it offers, or hands the code to the agent
 * already installed on the machine when the technician allowed it.
 */
export const adhocSessionEndpoints = {
  create: endpoint({
    id: 'adhocSessions.create',
    method: 'POST',
    path: '/api/v1/adhoc-sessions',
    summary: 'Create an ad-hoc session code',
    description:
      'A nine-digit code, usable once within `validMinutes` (default 15) on the support portal. The device that takes it joins `group` (its policies apply) as an ephemeral device; a one-time agent leaves nothing installed and its device is deleted when its session ends. The code is in this answer only.',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'ad-hoc session',
    body: CreateAdhocSessionRequest,
    success: { status: 201, body: CreateAdhocSessionResponse, noStore: true },
    errors: ['INVALID_INPUT', 'FORBIDDEN'],
  }),
  list: endpoint({
    id: 'adhocSessions.list',
    method: 'GET',
    path: '/api/v1/adhoc-sessions',
    summary: 'List ad-hoc sessions',
    description: 'The latest ad-hoc sessions of the device groups the user may see, newest first.',
    access: { kind: 'user', permission: 'sessions.open' },
    success: { status: 200, body: AdhocSessionList },
    errors: [],
  }),
  end: endpoint({
    id: 'adhocSessions.end',
    method: 'DELETE',
    path: '/api/v1/adhoc-sessions/:id',
    summary: 'End an ad-hoc session',
    description:
      'The code stops working; a one-time device that took it is deleted (its agent exits when told, or when its session ends).',
    access: { kind: 'user', permission: 'sessions.open' },
    subject: 'ad-hoc session',
    params: z.object({ id: AdhocSessionId }),
    success: { status: 204, body: undefined },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN'],
  }),
  redeem: endpoint({
    id: 'support.redeem',
    method: 'POST',
    path: '/api/v1/support/code',
    summary: 'Enter an ad-hoc session code (support portal)',
    description:
      'For the user at the machine, no sign-in: a valid code answers the one-time agent’s link and the command that runs it. Wrong codes are counted per address; too many give `RATE_LIMITED` (`details.retryAfterSec`).',
    access: { kind: 'public' },
    subject: 'support code',
    body: RedeemSupportCodeRequest,
    success: { status: 200, body: SupportDownload, noStore: true },
    errors: codeRefusals,
  }),
  download: endpoint({
    id: 'support.download',
    method: 'GET',
    path: '/support/:id/:key/tether-support.run',
    summary: 'Download the one-time agent of an ad-hoc session',
    description:
      'A self-extracting package that runs the agent from a temporary folder without installing it: `sh tether-support.run`. It works until its code expires or is used.',
    access: { kind: 'public' },
    subject: 'support link',
    params: z.object({
      id: AdhocSessionId,
      key: z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'must be the key of a support link'),
    }),
    success: { status: 200, body: undefined, contentType: 'application/x-sh', noStore: true },
    errors: ['INVALID_INPUT', 'NOT_FOUND', 'TOKEN_EXPIRED', 'CONFLICT'],
  }),
  attach: endpoint({
    id: 'support.attach',
    method: 'POST',
    path: '/api/v1/support/attach',
    summary: 'Take an ad-hoc session with the installed agent',
    description:
      'What the one-time agent sends when the machine already has an enrolled agent whose identity it can read: the code signed with that device’s key. When the technician allowed it, the session goes to that device and no one-time agent runs. Refused with `FORBIDDEN` when not allowed or the signature is not the device’s.',
    access: { kind: 'public' },
    subject: 'support attach request',
    body: AttachSupportCodeRequest,
    success: { status: 200, body: AttachSupportCodeResponse },
    errors: [...codeRefusals, 'FORBIDDEN'],
  }),
};
