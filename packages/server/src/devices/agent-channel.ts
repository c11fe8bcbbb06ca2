import { randomBytes } from 'node:crypto';
import {
  AgentMessage,
  AppError,
  PROTOCOL_VERSION,
  certificateProofText,
  parseControlMessage,
  wsCloseCode,
  type DeviceNetwork,
  type MessageOf,
  type ServerMessage,
  type UserPresenceReport,
} from '@tether/protocol';
import { databaseUnavailable, isDatabaseUnavailable } from '../store/index.js';
import { internCapabilities, NO_CAPABILITIES } from './agent-capabilities.js';
import { answerHello, checkAgentProof, type Handshake } from './agent-handshake.js';
import type { AgentLink } from './device-presence.js';
import type { AgentChannelDeps, ControlSocket } from './agent-channel-deps.js';
import { createStatsReporter, type StatsReporter } from './stats-reporter.js';
import { createUserPresenceReporter, type UserPresenceReporter } from './user-presence-reporter.js';
import { uninstallMessage } from './uninstall-message.js';

export type { AgentChannelDeps, ControlSocket } from './agent-channel-deps.js';

type Phase = 'hello' | 'auth' | 'ready' | 'closed';

/**
 * One agent's control connection: challenge–response authentication, then statistics,
 * heartbeats and session replies. Transport-free: bytes in through `onText`, out through the
 * `ControlSocket`.
 */
export class AgentChannel implements AgentLink {
  private phase: Phase = 'hello';
  /** Set once the agent said hello with a known device ID. */
  private id = '';
  /** Only during the handshake: an idle fleet keeps no more per agent than it needs. */
  private handshake: Handshake | undefined;
  /** Milliseconds since the epoch of the last message; the sweeper closes silent channels. */
  lastActivity: number;
  readonly openedAt: number;
  /** What the agent said it can do in its hello (M-4). */
  capabilities: readonly string[] = NO_CAPABILITIES;
  /** What this connection reports about its device; made when it is ready, disposed at close. */
  private reporters: { stats: StatsReporter; presence: UserPresenceReporter } | undefined;
  /** Whether the agent can serve desktop sessions, as its hello said; undefined if it did not. */
  hasDesktop: boolean | undefined;
  /** The device's network, as its hello said. */
  network: DeviceNetwork | undefined;
  /** The agent's hello nonce, kept once ready: a certificate notice is bound to it (S-5). */
  private agentNonce: string | undefined;

  constructor(
    private readonly deps: AgentChannelDeps,
    private readonly socket: ControlSocket,
  ) {
    this.openedAt = this.lastActivity = deps.clock.now().getTime();
  }

  get deviceId(): string {
    return this.id;
  }

  /** Whether a user is at the device, as last reported; undefined until reported. */
  get userPresence(): UserPresenceReport | undefined {
    return this.reporters?.presence.current;
  }

  get isAuthenticated(): boolean {
    return this.phase === 'ready';
  }

  send(message: ServerMessage): void {
    if (this.phase !== 'closed') this.socket.send(JSON.stringify(message));
  }

  /** Whether the agent takes a changed certificate on this open channel (`certificate`). */
  get canTakeCertificate(): boolean {
    return this.capabilities.includes('certificate');
  }

  /**
   * Tells a ready agent, with a signature of the pinned key bound to this channel, that the
   * listeners now serve the certificate `tlsFingerprint` (S-5): its next session relay, a new
   * connection, presents it. Agents without the capability learn it at their next connection.
   */
  announceCertificate(tlsFingerprint: string): void {
    if (this.phase !== 'ready' || !this.agentNonce || !this.canTakeCertificate) return;
    const serverNonce = randomBytes(32).toString('base64url');
    this.send({
      type: 'certificate',
      serverNonce,
      tlsFingerprint,
      signature: this.deps.identity.sign(
        certificateProofText({ agentNonce: this.agentNonce, serverNonce, tlsFingerprint }),
      ),
    });
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  /** Sends an error message, then closes with the matching code. */
  fail(error: AppError): void {
    this.send({ type: 'error', error: error.toBody() });
    this.close(wsCloseCode[error.code], error.message.slice(0, 120));
    this.phase = 'closed';
  }

  onText(text: string): void {
    this.lastActivity = this.deps.clock.now().getTime();
    const parsed = parseControlMessage(AgentMessage, text);
    if (!parsed.ok) {
      this.deps.log.warn(
        { deviceId: this.deviceId, reason: parsed.error.message },
        'malformed agent message',
      );
      this.fail(new AppError('INVALID_INPUT', parsed.error.message));
      return;
    }
    const message = parsed.message;
    const handler = handlers[message.type] as (
      channel: AgentChannel,
      m: AgentMessage,
    ) => Promise<void>;
    handler(this, message).catch((error: unknown) => {
      const unavailable = isDatabaseUnavailable(error);
      if (unavailable) this.deps.log.warn({ deviceId: this.deviceId }, 'database unavailable');
      else this.deps.log.error({ err: error, deviceId: this.deviceId }, 'agent message failed');
      this.fail(
        error instanceof AppError
          ? error
          : unavailable
            ? databaseUnavailable()
            : new AppError('INTERNAL', 'The server could not handle that message.'),
      );
    });
  }

  /** The connection closed; resolves once its last writes (last seen, audit) are done. */
  onClose(): Promise<void> {
    const wasReady = this.phase === 'ready';
    this.phase = 'closed';
    this.reporters?.stats.dispose();
    this.reporters?.presence.dispose();
    if (!wasReady) return Promise.resolve();
    const deviceId = this.id;
    if (this.deps.presence.disconnect(this)) this.deps.onDisconnected(deviceId);
    const lastSeen = this.deps.store.devices
      .setLastSeen(deviceId, this.deps.clock.now())
      .catch((error: unknown) => {
        this.deps.log.error({ err: error, deviceId }, 'could not record last-seen time');
      });
    const audited = this.deps.audit
      .record({ action: 'device.disconnected', actor: `device:${deviceId}`, target: deviceId })
      .catch(() => undefined);
    return Promise.all([lastSeen, audited]).then(() => undefined);
  }

  private expect(phase: Phase, type: string): void {
    if (this.phase !== phase)
      throw new AppError(
        'INVALID_INPUT',
        `Unexpected "${type}" message at this point of the connection.`,
      );
  }

  /** @internal Dispatch target: a statistics sample. */
  async onStats(message: MessageOf<AgentMessage, 'stats'>): Promise<void> {
    this.expect('ready', message.type);
    await this.reporters?.stats.report(message.stats);
  }

  /** The agent's WebSocket ping: its heartbeat (the welcome says so), as good as a message. */
  onPing(): void {
    this.lastActivity = this.deps.clock.now().getTime();
  }

  /** @internal Dispatch target: liveness only (`lastActivity` is already updated). */
  onHeartbeat(message: MessageOf<AgentMessage, 'heartbeat'>): Promise<void> {
    this.expect('ready', message.type);
    return Promise.resolve();
  }

  /** @internal Dispatch target. */
  onSessionRefused(message: MessageOf<AgentMessage, 'session.refused'>): Promise<void> {
    this.expect('ready', message.type);
    this.deps.onSessionRefused(this.id, message.sessionId, message.error);
    return Promise.resolve();
  }

  /** @internal Dispatch target: the user at the device came or went. */
  onPresence(message: MessageOf<AgentMessage, 'presence'>): Promise<void> {
    this.expect('ready', message.type);
    this.reporters?.presence.report(message.presence);
    return Promise.resolve();
  }

  /** @internal Dispatch target. */
  onConsentPending(message: MessageOf<AgentMessage, 'session.consent_pending'>): Promise<void> {
    this.expect('ready', message.type);
    this.deps.onConsentPending?.(this.id, message.sessionId, new Date(message.expiresAt));
    return Promise.resolve();
  }

  /** @internal Dispatch target. */
  onUnattendedReply(message: MessageOf<AgentMessage, 'unattended.reply'>): Promise<void> {
    this.expect('ready', message.type);
    this.deps.onUnattendedReply?.(this.id, message);
    return Promise.resolve();
  }

  /** @internal Dispatch target. */
  onUnattendedTurnedOff(message: MessageOf<AgentMessage, 'unattended.turned_off'>): Promise<void> {
    this.expect('ready', message.type);
    this.deps.onUnattendedTurnedOff?.(this.id, {
      accessIds: message.accessIds,
      sourceAddress: this.socket.remoteAddress,
    });
    return Promise.resolve();
  }

  /** @internal Dispatch target. */
  onUpgradeStatus(message: MessageOf<AgentMessage, 'upgrade.status'>): Promise<void> {
    this.expect('ready', message.type);
    this.deps.onUpgradeStatus?.(this.id, message);
    return Promise.resolve();
  }

  /** @internal Dispatch target: the agent is being uninstalled on the device. */
  async onDeviceUninstalled(message: MessageOf<AgentMessage, 'device.uninstalled'>): Promise<void> {
    this.expect('ready', message.type);
    await this.deps.onUninstalled?.(this.id, { sourceAddress: this.socket.remoteAddress });
    this.close(1000, 'Uninstalled on the device.');
  }

  /** @internal Dispatch target: a passive agent's wake port. */
  onWakeListening(message: MessageOf<AgentMessage, 'wake.listening'>): Promise<void> {
    this.expect('ready', message.type);
    this.deps.onWakeListening?.(this.id, {
      port: message.port,
      remoteAddress: this.socket.remoteAddress,
    });
    return Promise.resolve();
  }

  /** @internal Dispatch target. */
  onWakeOnLanSent(message: MessageOf<AgentMessage, 'wake.on_lan_sent'>): Promise<void> {
    this.expect('ready', message.type);
    this.deps.onWakeOnLanSent?.(this.id, message);
    return Promise.resolve();
  }

  /** @internal Dispatch target: the agent re-pinned after a `key.handover` (S-6). */
  async onKeyPinned(message: MessageOf<AgentMessage, 'key.pinned'>): Promise<void> {
    this.expect('ready', message.type);
    await this.deps.serverKeys?.onAgentPinned(this, message.serverPublicKey);
  }

  /** @internal Dispatch target. */
  onOemReply(message: MessageOf<AgentMessage, 'oem.reply'>): Promise<void> {
    this.expect('ready', message.type);
    this.deps.onOemReply(this.id, message);
    return Promise.resolve();
  }

  /** @internal Dispatch target. */
  async onHello(message: MessageOf<AgentMessage, 'hello'>): Promise<void> {
    this.expect('hello', message.type);
    if (message.protocolVersion > PROTOCOL_VERSION) {
      throw new AppError(
        'UNSUPPORTED_VERSION',
        `This server speaks protocol ${PROTOCOL_VERSION}; update the server or use an older agent.`,
      );
    }
    this.phase = 'auth';
    const { handshake, challenge } = await answerHello(this.deps, this.socket, message);
    this.id = handshake.device.id;
    if (message.capabilities?.length) this.capabilities = internCapabilities(message.capabilities);
    this.hasDesktop = message.desktop;
    this.network = message.inventory.network;
    this.handshake = handshake;
    this.send(challenge);
  }

  /** A deleted device's authenticated agent: refused, audited, told (again) to uninstall. */
  private async refuseDeleted(): Promise<void> {
    await this.deps.audit.refused({
      action: 'device.auth_failed',
      actor: `device:${this.id}`,
      target: this.id,
      sourceAddress: this.socket.remoteAddress,
      details: { reason: 'deleted device' },
    });
    this.send(uninstallMessage());
    this.close(wsCloseCode.NOT_FOUND, 'This device was deleted from the server.');
    this.phase = 'closed';
  }

  /** @internal Dispatch target. */
  async onAuth(message: MessageOf<AgentMessage, 'auth'>): Promise<void> {
    this.expect('auth', message.type);
    const handshake = this.handshake;
    if (!handshake) throw new AppError('INVALID_INPUT', 'Say hello first.');
    this.handshake = undefined;
    await checkAgentProof(this.deps, this.socket, handshake, message.signature);
    const { device } = handshake;
    // A deleted device's agent is told to uninstall only now that it proved its key (and it
    // checked ours in the challenge): nobody else can make an agent remove itself.
    if (device.deletedAt) return this.refuseDeleted();
    this.phase = 'ready';
    this.agentNonce = handshake.agentNonce;
    const { store, clock, log, presence } = this.deps;
    this.reporters = {
      stats: createStatsReporter({
        deviceId: device.id,
        store,
        clock,
        log,
        events: presence.events,
      }),
      presence: createUserPresenceReporter({ deviceId: device.id, events: presence.events }),
    };
    const now = this.deps.clock.now();
    // Seen now either way; the inventory columns are rewritten only when they changed.
    await (handshake.isInventoryChanged
      ? this.deps.store.devices.updateInventory(device.id, device.inventory, now)
      : this.deps.store.devices.setLastSeen(device.id, now));
    const welcome: ServerMessage = {
      type: 'welcome',
      deviceId: device.id,
      settings: await this.deps.settings({
        deviceId: device.id,
        group: device.group,
        maxOfflineMinutes: device.maxOfflineMinutes,
      }),
      heartbeatSec: this.deps.heartbeatSec,
      isPingHeartbeat: true,
      remoteControlId: await this.deps.remoteControlId?.(device.id),
    };
    // Gone while the welcome was read from the store: it must not be listed online.
    if (!this.isAuthenticated) return;
    // Online and welcomed in one turn: the agent ignores what comes before its welcome, so
    // nothing sent to the device once it is listed online (a session offer) may overtake it.
    const replaced = this.deps.presence.connect(this);
    replaced?.close(wsCloseCode.CONFLICT, 'Replaced by a newer connection from the same device.');
    this.send(welcome);
    this.deps.onReady?.(device);
    await this.deps.serverKeys?.onAgentPinned(this, handshake.serverKey);
    await this.deps.audit.record({
      action: 'device.connected',
      actor: `device:${device.id}`,
      target: device.id,
      sourceAddress: this.socket.remoteAddress,
      device: { id: device.id, name: device.name },
    });
  }
}

/** One handler per message type, shared by every channel (none allocated per connection). */
const handlers: {
  [K in AgentMessage['type']]: (
    channel: AgentChannel,
    message: MessageOf<AgentMessage, K>,
  ) => Promise<void>;
} = {
  hello: (channel, message) => channel.onHello(message),
  auth: (channel, message) => channel.onAuth(message),
  stats: (channel, message) => channel.onStats(message),
  heartbeat: (channel, message) => channel.onHeartbeat(message),
  'session.refused': (channel, message) => channel.onSessionRefused(message),
  'oem.reply': (channel, message) => channel.onOemReply(message),
  presence: (channel, message) => channel.onPresence(message),
  'session.consent_pending': (channel, message) => channel.onConsentPending(message),
  'unattended.reply': (channel, message) => channel.onUnattendedReply(message),
  'unattended.turned_off': (channel, message) => channel.onUnattendedTurnedOff(message),
  'key.pinned': (channel, message) => channel.onKeyPinned(message),
  'upgrade.status': (channel, message) => channel.onUpgradeStatus(message),
  'device.uninstalled': (channel, message) => channel.onDeviceUninstalled(message),
  'wake.listening': (channel, message) => channel.onWakeListening(message),
  'wake.on_lan_sent': (channel, message) => channel.onWakeOnLanSent(message),
};
