import { z } from 'zod';
import { ErrorBody } from '../errors.js';
import { Base64Url, DeviceId, SessionId } from '../ids.js';
import { DeviceStats } from '../api/statistics.js';
import { DeviceInventory, UserPresenceReport } from './inventory.js';
import { UnattendedAccessId } from './session-terms.js';
import { AgentUninstalled } from './maintenance.js';
import { HandshakeNonce } from './messages.js';
import { OemReplyMessage } from './oem-messages.js';
import { AgentWakeListening, AgentWakeOnLanSent } from './wake.js';

// agent → server: what an agent may send on its control channel (server → agent is in
// messages.ts). A file of their own because the agent only builds these messages and never
// parses them: it does not load this file, and so does not construct these schemas at start.

/** First message on a connection: who the agent claims to be, and a nonce for the server. */
export const AgentHello = z.object({
  type: z.literal('hello'),
  protocolVersion: z.int().positive(),
  deviceId: DeviceId,
  agentNonce: HandshakeNonce,
  inventory: DeviceInventory,
  /** Absent from agents older than capabilities: they have none of them. */
  capabilities: z.array(z.string().max(32)).max(32).optional(),
  /**
   * Whether this agent can serve desktop sessions (it has a VNC server to show). Absent from
   * agents older than this field: the console then lets the technician try.
   */
  desktop: z.boolean().optional(),
});

/** The agent's signature over `agentProofText`. */
export const AgentAuth = z.object({ type: z.literal('auth'), signature: Base64Url });

/** A statistics sample. */
export const AgentStats = z.object({ type: z.literal('stats'), stats: DeviceStats });

/** The agent could not start an offered session. */
export const AgentSessionRefused = z.object({
  type: z.literal('session.refused'),
  sessionId: SessionId,
  error: ErrorBody,
});

/** Liveness; the server answers nothing, it only notes the time. */
export const AgentHeartbeat = z.object({ type: z.literal('heartbeat') });

/** Whether a user is at the device: sent after `welcome` and whenever it changes. */
export const AgentPresence = z.object({
  type: z.literal('presence'),
  presence: UserPresenceReport,
});

/** The user at the device is being asked to consent to a session; they have until `expiresAt`. */
export const AgentConsentPending = z.object({
  type: z.literal('session.consent_pending'),
  sessionId: SessionId,
  /** Milliseconds since the epoch. */
  expiresAt: z.int(),
});

/** Reply to `unattended.enable`: the service is on for the access, or why not. */
export const AgentUnattendedReply = z.object({
  type: z.literal('unattended.reply'),
  accessId: UnattendedAccessId,
  error: ErrorBody.optional(),
});

/**
 * The user at the device turned unattended access off (`tether agent unattended off`): the
 * server revokes every live access of the device and ends their sessions. Sent at once and
 * again after each `welcome` until an `unattended.sync` no longer lists the accesses.
 */
export const AgentUnattendedTurnedOff = z.object({
  type: z.literal('unattended.turned_off'),
  /** The accesses the service was on for when it was turned off. */
  accessIds: z.array(UnattendedAccessId).min(1).max(100),
});

/**
 * The agent re-pinned the server key it names, durably (after a `key.handover`, S-6); the
 * server notes which key the device is on.
 */
export const AgentKeyPinned = z.object({
  type: z.literal('key.pinned'),
  serverPublicKey: Base64Url,
});

/** What an agent reports of an upgrade: its progress, the result, or a rollback. */
export const AgentUpgradeState = z.enum([
  'downloading',
  'installing',
  'restarting',
  'installed',
  'failed',
  'rolled-back',
]);
export type AgentUpgradeState = z.infer<typeof AgentUpgradeState>;

/**
 * Progress of an `upgrade.offer` (`downloading`, `installing`, `restarting`: it exits to run the
 * new version), its end (`failed` with the reason), or after a restart: `installed` from the new
 * version once connected, `rolled-back` from the old one when the new one failed to start.
 */
export const AgentUpgradeStatus = z.object({
  type: z.literal('upgrade.status'),
  /** The version the upgrade was to. */
  version: z.string().min(1).max(64),
  state: AgentUpgradeState,
  reason: z.string().max(1000).optional(),
});

/**
 * Every message an agent may send on its control channel.
 *
 * @example
 * const parsed = AgentMessage.safeParse(JSON.parse(text));
 */
export const AgentMessage = z.discriminatedUnion('type', [
  AgentHello,
  AgentAuth,
  AgentStats,
  AgentSessionRefused,
  AgentHeartbeat,
  AgentPresence,
  AgentConsentPending,
  AgentUnattendedReply,
  AgentUnattendedTurnedOff,
  AgentKeyPinned,
  AgentUpgradeStatus,
  AgentUninstalled,
  OemReplyMessage,
  AgentWakeListening,
  AgentWakeOnLanSent,
]);
export type AgentMessage = z.infer<typeof AgentMessage>;
