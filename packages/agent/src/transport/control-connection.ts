import {
  AGENT_CONNECT_PATH,
  SERVER_MESSAGE_SCHEMAS,
  parseControlMessageByType,
  retryAfterMs,
  type AgentMessage,
  type AgentSettings,
  type DeviceInventory,
  type HandlerMap,
  type MessageOf,
  type ServerMessage,
  type SessionOffer,
} from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import type { RawData, WebSocket } from 'ws';
import type { CancelTimer, Clock } from '../clock.js';
import type { AgentState } from '../identity/agent-state.js';
import { followHandovers } from '../identity/key-handover.js';
import type { ServerPin } from '../identity/server-pin.js';
import { openAgentSocket } from './agent-socket.js';
import { createHandshake, type Handshake } from './control-handshake.js';
import { startHeartbeat } from './heartbeat.js';
import { rawBytes } from './raw-data.js';

/** What the rest of the agent hears from an authenticated control channel. */
export interface ControlEvents {
  onWelcome(welcome: MessageOf<ServerMessage, 'welcome'>): void;
  onSettings(settings: AgentSettings): void;
  /** `tlsFingerprint` is the verified certificate of this channel; the relay must match it. */
  onOffer(offer: SessionOffer, tlsFingerprint: string): void;
  onCancel(cancel: MessageOf<ServerMessage, 'session.cancel'>): void;
  /** Someone joined or left a running session. */
  onParticipant?(participant: MessageOf<ServerMessage, 'session.participant'>): void;
  onOemRequest(request: MessageOf<ServerMessage, 'oem.request'>): void;
  /** The server offers an upgrade; absent: this agent cannot upgrade itself. */
  onUpgradeOffer?(offer: MessageOf<ServerMessage, 'upgrade.offer'>): void;
  /** The device was deleted: uninstall and stay away (issue 15). */
  onUninstall?(message: MessageOf<ServerMessage, 'device.uninstall'>): void;
  /** How to keep in touch: stay connected, or listen for wake-ups. */
  onWakeMode?(mode: MessageOf<ServerMessage, 'wake.mode'>): void;
  /** Send Wake-on-LAN packets for a device on this network. */
  onWakeOnLan?(request: MessageOf<ServerMessage, 'wake.on_lan'>): void;
  onUnattended(
    message: MessageOf<
      ServerMessage,
      'unattended.enable' | 'unattended.disable' | 'unattended.sync'
    >,
  ): void;
}

/** How a control connection ended. */
export interface ControlClosed {
  code: number;
  reason: string;
  /** Whether the server had welcomed (authenticated) the agent on this connection. */
  wasWelcomed: boolean;
  /**
   * The server admits agents at a limited rate and told this one to come back after
   * this many ms (its upgrade was answered 503 with a wait); absent for any other close.
   */
  retryAfterMs?: number;
}

/** One control channel; see {@link openControlConnection}. */
export interface ControlConnection {
  /** Sends a message if the channel is open; drops it otherwise (the server re-syncs on reconnect). */
  readonly send: (message: AgentMessage) => void;
  readonly close: (code: number, reason: string) => void;
  readonly closed: Promise<ControlClosed>;
}

const MAX_CONTROL_MESSAGE_BYTES = 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = 30_000;
/**
 * How long the TLS handshake and the upgrade may stay silent once TCP is up. Long on purpose:
 * after a server restart the whole fleet waits in the listener's accept queue (4,096 deep),
 * which a busy server empties one connection per event-loop turn. An agent that gave up there
 * after 15 s (the old limit) left its place to a dead connection the server still paid a TLS
 * handshake for, and rejoined at the back: past a few thousand agents every connection the
 * server reached had been abandoned, and the storm stalled (bench scenario o). A server process
 * that exits closes its connections, which needs no timeout; a host that vanishes costs an
 * agent two minutes instead of 15 s.
 */
const QUEUED_TIMEOUT_MS = 120_000;
/** No TCP connection at all (the accept queue is full, SYNs are dropped): try again sooner. */
const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 3000;
/** Malformed messages tolerated before the agent assumes it is not talking to a Tether server. */
const MAX_MALFORMED_MESSAGES = 5;

/**
 * Opens one control channel: `hello` → verify the server's `challenge` against the pinned key
 * and this socket's certificate → `auth` → `welcome`, then heartbeats and dispatch of the
 * server's messages through a typed handler map. It never reconnects; the control loop does.
 *
 * @example
 * const connection = openControlConnection({ state, inventory, log, clock, events });
 * const { wasWelcomed } = await connection.closed;
 */
export function openControlConnection(options: {
  state: AgentState;
  /**
   * The server key to trust; re-pinned when the server hands over to a new key (S-6).
   * Default: the state's key, which a hand-over cannot move (nowhere to save it).
   */
  pin?: ServerPin;
  inventory: DeviceInventory;
  /** Whether desktop sessions can open (a VNC server is configured), told to the server. */
  hasDesktop?: boolean;
  log: Logger;
  clock: Clock;
  events: ControlEvents;
}): ControlConnection {
  const { state, clock } = options;
  const pin = options.pin ?? fixedPin(state.config.serverPublicKey);
  const log = options.log.child({ deviceId: state.config.deviceId });
  const socket = openAgentSocket(new URL(AGENT_CONNECT_PATH, state.config.serverUrl), {
    maxPayload: MAX_CONTROL_MESSAGE_BYTES,
    handshakeTimeoutMs: QUEUED_TIMEOUT_MS,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    onFingerprint: (fingerprint) => {
      channel.tlsFingerprint = fingerprint;
      return true; // checked against the server's signed proof in the challenge
    },
  });
  const channel: Channel = {
    socket,
    log,
    clock,
    events: options.events,
    deviceId: state.config.deviceId,
    handshake: createHandshake({
      deviceId: state.config.deviceId,
      inventory: options.inventory,
      hasDesktop: options.hasDesktop ?? false,
      canUpgrade: options.events.onUpgradeOffer !== undefined,
      privateKey: state.privateKey,
      pinnedServerKey: pin.current(),
    }),
    pin,
    phase: 'challenge',
    malformedCount: 0,
    timers: [],
    send: (message) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    },
  };
  const handlers = createHandlers(channel);
  socket.on('open', () => {
    channel.send(channel.handshake.hello);
    channel.timers.push(
      clock.setTimer(() => {
        if (channel.phase === 'ready') return;
        log.warn('the server did not complete the handshake in time; reconnecting');
        socket.terminate();
      }, HANDSHAKE_TIMEOUT_MS),
    );
  });
  socket.on('message', (data: RawData, isBinary: boolean) => {
    receive(channel, handlers, isBinary ? undefined : rawBytes(data).toString('utf8'));
  });
  let deferredMs: number | undefined;
  let isAnswered = false;
  // Without this listener `ws` aborts any non-101 answer with an error that hides its headers.
  socket.on('unexpected-response', (_request, response) => {
    isAnswered = true;
    deferredMs = response.statusCode === 503 ? retryAfterMs(response.headers) : undefined;
    if (deferredMs === undefined)
      log.warn(`the server refused the control channel: HTTP ${response.statusCode ?? '?'}`);
    response.resume();
    socket.terminate();
  });
  socket.on('error', (error) => {
    // After an HTTP answer the abort is ours, and what the server said is logged already.
    if (!isAnswered) log.warn({ err: error }, `control channel error: ${error.message}`);
  });
  const closed = new Promise<ControlClosed>((resolve) => {
    socket.on('close', (code, reason) => {
      for (const cancel of channel.timers) cancel();
      resolve({
        code,
        reason: reason.toString('utf8'),
        wasWelcomed: channel.phase === 'ready',
        ...(deferredMs === undefined ? {} : { retryAfterMs: deferredMs }),
      });
    });
  });
  const close = (code: number, reason: string): void => {
    socket.close(code, reason);
    // A server that never answers the closing handshake must not hold the agent's stop().
    channel.timers.push(clock.setTimer(() => socket.terminate(), CLOSE_GRACE_MS));
  };
  return { send: channel.send, close, closed };
}

/** The state of one control channel, shared by its handlers. */
interface Channel {
  readonly socket: WebSocket;
  readonly log: Logger;
  readonly clock: Clock;
  readonly events: ControlEvents;
  readonly deviceId: string;
  readonly handshake: Handshake;
  readonly pin: ServerPin;
  phase: 'challenge' | 'welcome' | 'ready';
  /** The certificate seen on this socket, known once TLS is up (before any message). */
  tlsFingerprint?: string;
  malformedCount: number;
  readonly timers: CancelTimer[];
  readonly send: (message: AgentMessage) => void;
}

function fixedPin(serverKey: string): ServerPin {
  return {
    current: () => serverKey,
    repin: () =>
      Promise.reject(new Error('This agent has no data directory to save a new server key in.')),
  };
}

/** Re-pins durably; a failure is logged and rejects (the caller decides what it means). */
async function repin(channel: Channel, serverKey: string): Promise<void> {
  try {
    await channel.pin.repin(serverKey);
    channel.log.info('the server rotated its key: pinned the new key it handed over');
  } catch (error) {
    channel.log.error({ err: error }, 'cannot save the server key the server handed over');
    throw error;
  }
}

/** Parses one text frame (`undefined` for a binary one) and dispatches it, or counts garbage. */
function receive(
  channel: Channel,
  handlers: HandlerMap<ServerMessage>,
  text: string | undefined,
): void {
  const parsed =
    text === undefined
      ? { ok: false as const, error: { message: 'binary frame on the control channel' } }
      : parseControlMessageByType(SERVER_MESSAGE_SCHEMAS, text);
  if (parsed.ok) {
    // The map is total over message types; TypeScript cannot correlate the key with the
    // handler's parameter, hence the widening.
    (handlers[parsed.message.type] as (message: ServerMessage) => void)(parsed.message);
    return;
  }
  channel.malformedCount += 1;
  channel.log.warn(
    { count: channel.malformedCount },
    `ignored a malformed control message: ${parsed.error.message}`,
  );
  if (channel.malformedCount >= MAX_MALFORMED_MESSAGES) {
    channel.socket.close(4422, 'too many malformed messages');
  }
}

function createHandlers(channel: Channel): HandlerMap<ServerMessage> {
  const { socket, log, events } = channel;
  return {
    challenge: (challenge) => {
      if (channel.phase !== 'challenge' || channel.tlsFingerprint === undefined) {
        return socket.close(4400, 'unexpected challenge');
      }
      let answer: ReturnType<Handshake['answer']>;
      try {
        answer = channel.handshake.answer(challenge, channel.tlsFingerprint);
      } catch (error) {
        log.error(
          { err: error },
          error instanceof Error ? error.message : 'server identity mismatch',
        );
        return socket.close(4401, 'server identity mismatch');
      }
      channel.phase = 'welcome';
      // Signed by the pinned key, so it is the administrator's choice (S-11); said once per
      // connection, so that whoever reads the agent's log knows what protects it.
      if (challenge.mode === 'behind-proxy')
        log.info(
          'the server says it is behind a TLS-terminating reverse proxy: this connection is authenticated by the pinned server key but not bound to the TLS certificate',
        );
      const { auth, serverKey } = answer;
      if (serverKey === channel.pin.current()) return channel.send(auth);
      // Re-pinned on disk before the server hears that this agent is on the new key.
      repin(channel, serverKey).then(
        () => channel.send(auth),
        () => socket.close(4500, 'cannot re-pin the server key'),
      );
    },
    'key.handover': (message) => {
      if (channel.phase !== 'ready') return;
      let serverKey: string;
      try {
        serverKey = followHandovers({
          pinnedKey: channel.pin.current(),
          serverKey: message.serverPublicKey,
          handovers: message.handovers,
        });
      } catch (error) {
        // The channel itself is still the pinned server's; the agent keeps its pin.
        return log.error({ err: error }, 'refused a server key hand-over');
      }
      const confirm = (): void => channel.send({ type: 'key.pinned', serverPublicKey: serverKey });
      if (serverKey === channel.pin.current()) return confirm();
      repin(channel, serverKey).then(confirm, () => undefined);
    },
    welcome: (welcome) => {
      if (channel.phase !== 'welcome' || welcome.deviceId !== channel.deviceId) {
        return socket.close(4400, 'unexpected welcome');
      }
      channel.phase = 'ready';
      channel.timers.push(
        startHeartbeat(socket, {
          clock: channel.clock,
          intervalMs: welcome.heartbeatSec * 1000,
          ...(!welcome.isPingHeartbeat && {
            sendHeartbeat: () => channel.send({ type: 'heartbeat' }),
          }),
          onDead: () => {
            log.warn(
              { heartbeatSec: welcome.heartbeatSec },
              'server stopped answering pings; reconnecting',
            );
            socket.terminate();
          },
        }),
      );
      log.info({ heartbeatSec: welcome.heartbeatSec }, 'connected to the server');
      events.onWelcome(welcome);
    },
    settings: (message) => {
      if (channel.phase === 'ready') events.onSettings(message.settings);
    },
    'session.offer': (offer) => {
      if (channel.phase === 'ready' && channel.tlsFingerprint !== undefined) {
        events.onOffer(offer, channel.tlsFingerprint);
      }
    },
    'session.cancel': (cancel) => {
      if (channel.phase === 'ready') events.onCancel(cancel);
    },
    'session.participant': (participant) => {
      if (channel.phase === 'ready') events.onParticipant?.(participant);
    },
    'oem.request': (request) => {
      if (channel.phase === 'ready') events.onOemRequest(request);
    },
    'upgrade.offer': (offer) => {
      if (channel.phase === 'ready') events.onUpgradeOffer?.(offer);
    },
    'device.uninstall': (message) => {
      // Only from the server that proved the pinned key on this very channel (the challenge,
      // which moved the phase on): a deleted device coming back hears it instead of a welcome;
      // before that proof nobody may make an agent remove itself.
      if (channel.phase === 'welcome' || channel.phase === 'ready') events.onUninstall?.(message);
      else log.warn('ignored an uninstall request before the server proved its key');
    },
    'wake.mode': (mode) => {
      if (channel.phase === 'ready') events.onWakeMode?.(mode);
    },
    'wake.on_lan': (request) => {
      if (channel.phase === 'ready') events.onWakeOnLan?.(request);
    },
    'unattended.enable': (message) => {
      if (channel.phase === 'ready') events.onUnattended(message);
    },
    'unattended.disable': (message) => {
      if (channel.phase === 'ready') events.onUnattended(message);
    },
    'unattended.sync': (message) => {
      if (channel.phase === 'ready') events.onUnattended(message);
    },
    certificate: (notice) => {
      if (channel.phase !== 'ready') return;
      try {
        // Offers from now on: their relay presents the new certificate (S-5).
        channel.tlsFingerprint = channel.handshake.certificate(notice, channel.pin.current());
        log.info('the server changed its TLS certificate; sessions will expect the new one');
      } catch (error) {
        log.error(
          { err: error },
          error instanceof Error ? error.message : 'bad certificate notice',
        );
      }
    },
    error: (message) => {
      log.error({ code: message.error.code }, `server refused the agent: ${message.error.message}`);
    },
  };
}
