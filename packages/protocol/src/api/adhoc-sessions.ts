import { z } from 'zod';
import { Base64Url, DeviceId, Timestamp } from '../ids.js';

/**
 * The code of an ad-hoc session: nine digits the technician reads to the user, typed on
 * the support portal. Spaces and dashes typed by the user are accepted and removed.
 *
 * @example
 * SupportCode.parse('123 456 789') // '123456789'
 */
export const SupportCode = z.preprocess(
  (value) => (typeof value === 'string' ? value.replace(/[\s-]/g, '') : value),
  z.string().regex(/^\d{9}$/, 'must be the nine-digit code your technician gave you'),
);
export type SupportCode = z.infer<typeof SupportCode>;

/** The ID of an ad-hoc session (not its code, which is shown once). */
export const AdhocSessionId = z.uuid();

/** How long a code may wait for the user, in minutes (default 15). */
export const ADHOC_VALID_MINUTES = { min: 1, max: 1440, default: 15 } as const;

/**
 * `waiting` for the user to run the one-time agent, `connected` once a device took the code
 * (a one-time agent or the installed one), `ended` when its session ended or the technician
 * ended it, `expired` when nobody used the code in time.
 */
export const AdhocSessionState = z.enum(['waiting', 'connected', 'ended', 'expired']);
export type AdhocSessionState = z.infer<typeof AdhocSessionState>;

/**
 * An ad-hoc session as the API shows it; its code is in the creation answer only.
 *
 * @example
 * `${session.state} on ${session.deviceName ?? 'no device yet'}`
 */
export const AdhocSession = z.object({
  id: AdhocSessionId,
  group: z.string(),
  state: AdhocSessionState,
  createdBy: z.string(),
  createdAt: Timestamp,
  /** Until when the code can be used on the portal. */
  expiresAt: Timestamp,
  /** Whether a machine with an agent installed may take the session through it. */
  allowInstalledAgent: z.boolean(),
  /** The device that took the code: null while waiting. */
  deviceId: DeviceId.nullable(),
  deviceName: z.string().nullable(),
  /** True when the device is an installed agent, false for a one-time agent. */
  isInstalledAgent: z.boolean(),
  endedAt: Timestamp.nullable(),
});
export type AdhocSession = z.infer<typeof AdhocSession>;

/**
 * `POST /api/v1/adhoc-sessions`: a code for a user to enter on the support portal.
 *
 * @example
 * await api.call(adhocSessionEndpoints.create, { body: { group: 'Support', validMinutes: 15 } });
 */
export const CreateAdhocSessionRequest = z.strictObject({
  /** The device group the one-time device joins (its policies apply: consent, rights). */
  group: z.string().trim().min(1).max(128),
  validMinutes: z
    .int()
    .min(ADHOC_VALID_MINUTES.min)
    .max(ADHOC_VALID_MINUTES.max)
    .default(ADHOC_VALID_MINUTES.default),
  allowInstalledAgent: z.boolean().default(true),
});
export type CreateAdhocSessionRequest = z.input<typeof CreateAdhocSessionRequest>;

/** The new session, its code (shown this once) and the portal address to give the user. */
export const CreateAdhocSessionResponse = z.object({
  session: AdhocSession,
  code: z.string(),
  portalUrl: z.url(),
});
export type CreateAdhocSessionResponse = z.infer<typeof CreateAdhocSessionResponse>;

export const AdhocSessionList = z.object({ sessions: z.array(AdhocSession) });
export type AdhocSessionList = z.infer<typeof AdhocSessionList>;

/** `POST /api/v1/support/code`: what the portal sends. */
export const RedeemSupportCodeRequest = z.strictObject({ code: SupportCode });
export type RedeemSupportCodeRequest = z.input<typeof RedeemSupportCodeRequest>;

/**
 * What the portal shows for a valid code: the one-time agent's link and the command that
 * downloads and runs it. The link works until the code expires or is used.
 */
export const SupportDownload = z.object({
  technician: z.string(),
  runUrl: z.url(),
  fileName: z.string(),
  /** How to run the downloaded file (with the code when an installed agent may take over). */
  runCommand: z.string(),
  /** Paste into a terminal: downloads the one-time agent and runs it. */
  command: z.string(),
  expiresAt: Timestamp,
});
export type SupportDownload = z.infer<typeof SupportDownload>;

/**
 * The text an installed agent's key signs to take an ad-hoc session: proves the
 * machine holds that device's identity, for this code, now.
 *
 * @example
 * const signature = sign(supportAttachSigningInput({ code, deviceId, signedAt }), deviceKey);
 */
export function supportAttachSigningInput(input: {
  code: string;
  deviceId: string;
  signedAt: number;
}): string {
  return `tether-support-attach.v1\n${input.code}\n${input.deviceId}\n${input.signedAt}`;
}

/** `POST /api/v1/support/attach`: the one-time agent hands the code to the installed agent. */
export const AttachSupportCodeRequest = z.strictObject({
  code: SupportCode,
  deviceId: DeviceId,
  /** Milliseconds since the epoch; the server accepts 5 minutes either way. */
  signedAt: z.int().min(0),
  /** Ed25519 over {@link supportAttachSigningInput} with the device key, base64url. */
  signature: Base64Url.min(1).max(200),
});
export type AttachSupportCodeRequest = z.input<typeof AttachSupportCodeRequest>;

export const AttachSupportCodeResponse = z.object({
  deviceId: DeviceId,
  technician: z.string(),
});
export type AttachSupportCodeResponse = z.infer<typeof AttachSupportCodeResponse>;
