import { z } from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { ErrorBody } from '../errors.js';
import { Base64Url, DeviceId, RelayToken, SessionId, Timestamp } from '../ids.js';
import { StatisticsSettings } from '../api/statistics.js';
import { ServerProofMode } from '../identity/proofs.js';
import { AssistanceMode, SessionKind, SessionRights, UnattendedAccessId } from './session-terms.js';
import { AgentMaintenance } from './maintenance.js';
import { OemRequestMessage, RemoteControlId } from './oem-messages.js';
import { ServerWakeMode, ServerWakeOnLan } from './wake.js';
import type { MessageSchemas } from './control-codec.js';

/** Path of the agents' control channel (WebSocket). */
export const AGENT_CONNECT_PATH = '/api/v1/agent/connect';

/** A one-time challenge of the control channel's handshake, each side's (base64url). */
export const HandshakeNonce = Base64Url.min(22).max(64);

/**
 * What an agent can do beyond the base protocol (M-4). The server checks these before it asks
 * for an assistance mode, so an older agent refuses with a clear message instead of a timeout.
 *
 * @example
 * if (!capabilities.includes('unattended')) throw tooOld('unattended');
 */
export const AgentCapability = z.enum([
  'consent',
  'unattended',
  'presence',
  'certificate',
  /** Understands `session.participant` (shared sessions, A-9). */
  'participants',
  /** Installed from a package (a launcher and `versions/`): it takes `upgrade.offer`. */
  'upgrade',
  /** Takes `wake.mode` (passive agents, A-10) and `wake.on_lan`. */
  'wake',
]);
export type AgentCapability = z.infer<typeof AgentCapability>;

// What the agent sends is in agent-messages.ts: the agent only builds those messages, and the
// schemas it never runs stay out of its start-up (it constructs every schema a module defines).

/** Where agents download an offered build: `GET <path>/<ticket>`. */
export const UPGRADE_DOWNLOAD_PATH = '/api/v1/agent/upgrades';

/** The one-time name of one offered download (32 random bytes, base64url). */
export const UpgradeTicket = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be an upgrade ticket');

/**
 * One link of a server key rotation (S-6): the key `fromKey` signed over `keyHandoverText` that
 * `toKey` succeeds it. Raw Ed25519 public keys, base64url.
 */
export const KeyHandover = lazySchema(() =>
  z.object({
    fromKey: Base64Url,
    toKey: Base64Url,
    createdAt: Timestamp,
    purpose: z.string().max(64),
    signature: Base64Url,
  }),
);
export type KeyHandover = z.infer<typeof KeyHandover>;

/** At most this many hand-over links travel: older keys are retired long before. */
export const MAX_KEY_HANDOVERS = 32;

/** The server proves it holds the pinned key (bound to the TLS certificate unless `behind-proxy`) and challenges. */
export const ServerChallenge = lazySchema(() =>
  z.object({
    type: z.literal('challenge'),
    serverNonce: HandshakeNonce,
    serverPublicKey: Base64Url,
    /** Signature over `serverProofText`. */
    signature: Base64Url,
    /** What the signature binds (S-11); absent: `direct`. It is inside the signed text too. */
    mode: ServerProofMode.optional(),
    /**
     * The server key was rotated (S-6): the links from every key not yet retired to
     * `serverPublicKey`. An agent that pinned an older key follows them before checking the proof.
     */
    handovers: z.array(KeyHandover).max(MAX_KEY_HANDOVERS).optional(),
  }),
);

/**
 * The listeners' TLS certificate changed (S-5): its fingerprint, signed with the pinned key over
 * `certificateProofText` (bound to this channel's `agentNonce`). The agent expects it on the
 * session relay from now on, instead of the certificate it verified at connection.
 */
export const ServerCertificate = lazySchema(() =>
  z.object({
    type: z.literal('certificate'),
    serverNonce: HandshakeNonce,
    tlsFingerprint: Base64Url,
    signature: Base64Url,
  }),
);

/** Settings an agent follows; sent on connect and whenever an administrator changes them. */
export const AgentSettings = z.object({
  statistics: StatisticsSettings,
  /** The device's deletion deadline and local uninstall rule; absent: older server. */
  maintenance: AgentMaintenance.optional(),
});
export type AgentSettings = z.infer<typeof AgentSettings>;

/** Authentication succeeded. */
export const ServerWelcome = lazySchema(() =>
  z.object({
    type: z.literal('welcome'),
    deviceId: DeviceId,
    settings: AgentSettings,
    heartbeatSec: z.int().positive(),
    /**
     * The server counts the agent's WebSocket ping as its heartbeat: the agent sends the ping
     * alone, not the `heartbeat` message too. Absent (older servers): both.
     */
    isPingHeartbeat: z.boolean().optional(),
    /** The device's public remote-control ID (integration API); written to the rollout file. */
    remoteControlId: RemoteControlId.optional(),
  }),
);

/** New settings. */
export const ServerSettings = lazySchema(() =>
  z.object({ type: z.literal('settings'), settings: AgentSettings }),
);

/**
 * A technician asks for a session: join `relayPath` with `token` (one use, ≤ 60 s).
 *
 * @example
 * connect(new URL(`${offer.relayPath}?token=${offer.token}`, serverUrl));
 */
export const SessionOffer = lazySchema(() =>
  z.object({
    type: z.literal('session.offer'),
    sessionId: SessionId,
    kind: SessionKind,
    relayPath: z.string().startsWith('/relay/'),
    token: RelayToken,
    technician: z.string(),
    cols: z.int().min(1).max(1000).optional(),
    rows: z.int().min(1).max(1000).optional(),
    /** The assistance mode the server admitted; absent: no assistance policy applies. */
    mode: AssistanceMode.optional(),
    /** What the technician may do; the agent enforces it. Absent: every right. */
    rights: SessionRights.optional(),
    /** Desktop only: the agent drops keyboard, pointer and clipboard input. */
    viewOnly: z.boolean().optional(),
    /** The unattended access whose one-time password the technician gave (M-2). */
    accessId: UnattendedAccessId.optional(),
    /**
     * A guest's own stream of this running session (A-9: a desktop or files session someone was
     * invited into): no new consent, it ends with that session. Only to agents with the
     * `participants` capability.
     */
    guestOf: SessionId.optional(),
  }),
);
export type SessionOffer = z.infer<typeof SessionOffer>;

/** The server withdrew an offer or ended a session. */
export const SessionCancel = lazySchema(() =>
  z.object({
    type: z.literal('session.cancel'),
    sessionId: SessionId,
    reason: z.string(),
  }),
);

/**
 * Someone invited by the technician joined or left a running session: the agent tells the
 * user at the device. Sent only to agents with the `participants` capability.
 */
export const SessionParticipant = lazySchema(() =>
  z.object({
    type: z.literal('session.participant'),
    sessionId: SessionId,
    /** The guest's username, or the name an external guest was invited under. */
    name: z.string().max(128),
    isExternal: z.boolean(),
    /** Whether the guest may type or steer; false: view only. */
    hasControl: z.boolean(),
    /** Who invited them. */
    invitedBy: z.string().max(128),
    state: z.enum(['joined', 'left']),
  }),
);
export type SessionParticipant = z.infer<typeof SessionParticipant>;

/**
 * Turn the unattended service on for an access (M-2). With `checkPresence` (dynamic mode, M-3)
 * the agent first looks for a user at the device and refuses with CONFLICT when there is one:
 * then the interactive flow applies.
 */
export const ServerUnattendedEnable = lazySchema(() =>
  z.object({
    type: z.literal('unattended.enable'),
    accessId: UnattendedAccessId,
    checkPresence: z.boolean(),
  }),
);

/** Turn the unattended service off for an access (expired or revoked). */
export const ServerUnattendedDisable = lazySchema(() =>
  z.object({
    type: z.literal('unattended.disable'),
    accessId: UnattendedAccessId,
    reason: z.string(),
  }),
);

/** After `welcome`: the accesses still valid; the agent turns its service off for all others. */
export const ServerUnattendedSync = lazySchema(() =>
  z.object({
    type: z.literal('unattended.sync'),
    accessIds: z.array(UnattendedAccessId).max(1000),
  }),
);

/**
 * The administrator rotated the server key while the agent is connected (S-6): it checks the
 * links from its pinned key to `serverPublicKey`, re-pins durably, and answers `key.pinned`.
 */
export const ServerKeyHandover = lazySchema(() =>
  z.object({
    type: z.literal('key.handover'),
    serverPublicKey: Base64Url,
    handovers: z.array(KeyHandover).min(1).max(MAX_KEY_HANDOVERS),
  }),
);

/**
 * Upgrade to this build: download `${UPGRADE_DOWNLOAD_PATH}/<ticket>` (the build's
 * `body.tar.gz`), check `manifest` (the text of a `PackageManifest`) against `signature` with
 * the PINNED server key, then every file against the manifest, install, restart.
 */
export const ServerUpgradeOffer = lazySchema(() =>
  z.object({
    type: z.literal('upgrade.offer'),
    version: z.string().min(1).max(64),
    ticket: UpgradeTicket,
    /** manifest.json's text, exactly as signed (`packageSigningInput`). */
    manifest: z
      .string()
      .min(1)
      .max(512 * 1024),
    /** base64url Ed25519 signature of the server key over `packageSigningInput(manifest)`. */
    signature: Base64Url,
    /** Size of the download, bytes. */
    bytes: z.int().nonnegative(),
  }),
);

/**
 * The device was deleted (by an administrator, or by maintenance past its deletion threshold):
 * the agent uninstalls itself (purging its identity) and does not reconnect. Sent to a
 * connected agent at deletion, and to a deleted device's agent when it comes back.
 */
export const ServerDeviceUninstall = lazySchema(() =>
  z.object({
    type: z.literal('device.uninstall'),
    reason: z.enum(['deleted', 'expired']),
    /** For the agent's log: who or what deleted it. */
    message: z.string().max(512),
  }),
);

/** An error; the server closes the connection after it when it is fatal. */
export const ServerError = lazySchema(() =>
  z.object({ type: z.literal('error'), error: ErrorBody }),
);

/**
 * Every message the server may send on an agent's control channel.
 *
 * @example
 * const parsed = ServerMessage.safeParse(JSON.parse(text));
 */
export const ServerMessage = lazySchema(() =>
  z.discriminatedUnion('type', [
    ServerChallenge,
    ServerWelcome,
    ServerSettings,
    SessionOffer,
    SessionCancel,
    SessionParticipant,
    ServerUnattendedEnable,
    ServerUnattendedDisable,
    ServerUnattendedSync,
    ServerKeyHandover,
    ServerError,
    OemRequestMessage,
    ServerCertificate,
    ServerUpgradeOffer,
    ServerDeviceUninstall,
    ServerWakeMode,
    ServerWakeOnLan,
  ]),
);
export type ServerMessage = z.infer<typeof ServerMessage>;

/**
 * The schema of each message type of {@link ServerMessage}, for a parse that builds only the
 * schemas of the messages that arrive (`parseControlMessageByType`; the agent's control channel).
 * The compiler checks that it covers the union, type for type.
 *
 * @example
 * const result = parseControlMessageByType(SERVER_MESSAGE_SCHEMAS, text);
 */
export const SERVER_MESSAGE_SCHEMAS: MessageSchemas<ServerMessage> = {
  challenge: ServerChallenge,
  welcome: ServerWelcome,
  settings: ServerSettings,
  'session.offer': SessionOffer,
  'session.cancel': SessionCancel,
  'session.participant': SessionParticipant,
  'unattended.enable': ServerUnattendedEnable,
  'unattended.disable': ServerUnattendedDisable,
  'unattended.sync': ServerUnattendedSync,
  'key.handover': ServerKeyHandover,
  error: ServerError,
  'oem.request': OemRequestMessage,
  certificate: ServerCertificate,
  'upgrade.offer': ServerUpgradeOffer,
  'device.uninstall': ServerDeviceUninstall,
  'wake.mode': ServerWakeMode,
  'wake.on_lan': ServerWakeOnLan,
};

// Parsing and dispatching of these messages, in a file of their own.
export {
  parseControlMessage,
  parseControlMessageByType,
  type HandlerMap,
  type MessageOf,
  type MessageSchemas,
} from './control-codec.js';
