import type {
  AgentMessage,
  AgentSettings,
  ErrorBody,
  KeyHandover,
  MessageOf,
} from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { Logger } from '../logging.js';
import type { DeviceRecord, Store } from '../store/store.js';
import type { AgentSettingsSubject } from './agent-settings.js';
import type { AgentLink, DevicePresence } from './device-presence.js';

/** The transport side of a control connection (the WebSocket adapter implements it). */
export interface ControlSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  readonly remoteAddress: string;
  /**
   * base64url SHA-256 of the certificate this connection was served with: what the agent saw
   * and the server's proof signs. Per connection, since the listeners' certificate can change
   * while the server runs (S-5).
   */
  readonly tlsFingerprint: string;
}

export interface AgentChannelDeps {
  store: Store;
  clock: Clock;
  identity: ServerIdentity;
  audit: AuditLog;
  presence: DevicePresence;
  log: Logger;
  /** Behind a TLS-terminating proxy (S-11): the challenge binds no certificate. */
  behindProxy(): boolean;
  heartbeatSec: number;
  /** The settings of one agent: the fleet's, or its group's where the group has its own. */
  settings(device: AgentSettingsSubject): Promise<AgentSettings>;
  onSessionRefused(deviceId: string, sessionId: string, error: ErrorBody): void;
  onDisconnected(deviceId: string): void;
  onOemReply(deviceId: string, reply: MessageOf<AgentMessage, 'oem.reply'>): void;
  /** The device's remote-control ID for `welcome` (integration API); none when absent. */
  remoteControlId?(deviceId: string): Promise<string>;
  /**
   * Server key rotation (S-6): the hand-overs a challenge carries; the pin each agent proves
   * (handed over again when the key moved on since). Absent: one key for ever.
   */
  serverKeys?: {
    handovers(): KeyHandover[];
    onAgentPinned(link: AgentLink, publicKey: string): Promise<void>;
  };
  /** The channel is ready and the agent has its `welcome`. */
  onReady?(device: DeviceRecord): void;
  /** The user at the device is being asked to consent to a session (M-1). */
  onConsentPending?(deviceId: string, sessionId: string, expiresAt: Date): void;
  /** The agent answered `unattended.enable` (M-2). */
  onUnattendedReply?(deviceId: string, reply: MessageOf<AgentMessage, 'unattended.reply'>): void;
  /** The agent reported the progress or end of an upgrade. */
  onUpgradeStatus?(deviceId: string, status: MessageOf<AgentMessage, 'upgrade.status'>): void;
  /**
   * The agent is being uninstalled on the device; the channel closes once this resolves
   * (the agent's files are going).
   */
  onUninstalled?(deviceId: string, report: { sourceAddress: string }): Promise<void>;
  /** A passive agent listens for wake-ups on `port`; `remoteAddress` is this connection's. */
  onWakeListening?(deviceId: string, report: { port: number; remoteAddress: string }): void;
  /** The agent sent (or could not send) Wake-on-LAN packets it was asked for. */
  onWakeOnLanSent?(deviceId: string, reply: MessageOf<AgentMessage, 'wake.on_lan_sent'>): void;
  /** The user at the device turned unattended access off (M-2). */
  onUnattendedTurnedOff?(
    deviceId: string,
    report: { accessIds: string[]; sourceAddress: string },
  ): void;
}
