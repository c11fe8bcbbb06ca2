import {
  AGENT_CONNECT_PATH,
  ServerMessage,
  parseControlMessage,
  type AgentMessage,
  type AgentSettings,
  type DeviceInventory,
  type HandlerMap,
  type MessageOf,
  type SessionOffer,
} from '@tether/protocol';
import type { Logger } from 'pino';
import type { RawData } from 'ws';
import type { CancelTimer, Clock } from '../clock.js';
import type { AgentState } from '../identity/agent-state.js';
import { openAgentSocket } from './agent-socket.js';
import { createHandshake } from './control-handshake.js';
import { startHeartbeat } from './heartbeat.js';
import { rawBytes } from './raw-data.js';

/** What the rest of the agent hears from an authenticated control channel. */
export interface ControlEvents {
  onWelcome(welcome: MessageOf<ServerMessage, 'welcome'>): void;
  onSettings(settings: AgentSettings): void;
  /** `tlsFingerprint` is the verified certificate of this channel; the relay must match it. */
  onOffer(offer: SessionOffer, tlsFingerprint: string): void;
  onCancel(cancel: MessageOf<ServerMessage, 'session.cancel'>): void;
}

/** How a control connection ended. */
export interface ControlClosed {
  code: number;
  reason: string;
  /** Whether the server had welcomed (authenticated) the agent on this connection. */
  wasWelcomed: boolean;
}

/** One control channel; see {@link openControlConnection}. */
export interface ControlConnection {
  /** Sends a message if the channel is open; drops it otherwise (the server re-syncs on reconnect). */
  send(message: AgentMessage): void;
  close(code: number, reason: string): void;
  readonly closed: Promise<ControlClosed>;
}

const MAX_CONTROL_MESSAGE_BYTES = 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = 30_000;
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
  inventory: DeviceInventory;
  log: Logger;
  clock: Clock;
  events: ControlEvents;
}): ControlConnection {
  const { state, clock, events } = options;
  const log = options.log.child({ deviceId: state.config.deviceId });
  const handshake = createHandshake({
    deviceId: state.config.deviceId,
    inventory: options.inventory,
    privateKey: state.privateKey,
    pinnedServerKey: state.config.serverPublicKey,
  });
  let tlsFingerprint: string | undefined;
  let phase: 'challenge' | 'welcome' | 'ready' = 'challenge';
  let malformedCount = 0;
  const timers: CancelTimer[] = [];
  const socket = openAgentSocket(new URL(AGENT_CONNECT_PATH, state.config.serverUrl), {
    maxPayload: MAX_CONTROL_MESSAGE_BYTES,
    onFingerprint: (fingerprint) => {
      tlsFingerprint = fingerprint;
      return true; // checked against the server's signed proof in the challenge
    },
  });
  const send = (message: AgentMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const refuse = (code: number, reason: string): void => {
    socket.close(code, reason);
  };

  const handlers: HandlerMap<ServerMessage> = {
    challenge: (challenge) => {
      if (phase !== 'challenge' || tlsFingerprint === undefined) return refuse(4400, 'unexpected challenge');
      try {
        send(handshake.answer(challenge, tlsFingerprint));
        phase = 'welcome';
      } catch (error) {
        log.error({ err: error, server: state.config.serverUrl }, error instanceof Error ? error.message : 'server identity mismatch');
        refuse(4401, 'server identity mismatch');
      }
    },
    welcome: (welcome) => {
      if (phase !== 'welcome' || welcome.deviceId !== state.config.deviceId) return refuse(4400, 'unexpected welcome');
      phase = 'ready';
      timers.push(
        startHeartbeat(socket, {
          clock,
          intervalMs: welcome.heartbeatSec * 1000,
          sendHeartbeat: () => send({ type: 'heartbeat' }),
          onDead: () => {
            log.warn({ heartbeatSec: welcome.heartbeatSec }, 'server stopped answering pings; reconnecting');
            socket.terminate();
          },
        }),
      );
      log.info({ heartbeatSec: welcome.heartbeatSec }, 'connected to the server');
      events.onWelcome(welcome);
    },
    settings: (message) => {
      if (phase === 'ready') events.onSettings(message.settings);
    },
    'session.offer': (offer) => {
      if (phase === 'ready' && tlsFingerprint !== undefined) events.onOffer(offer, tlsFingerprint);
    },
    'session.cancel': (cancel) => {
      if (phase === 'ready') events.onCancel(cancel);
    },
    error: (message) => {
      log.error({ code: message.error.code }, `server refused the agent: ${message.error.message}`);
    },
  };

  const onMessage = (data: RawData, isBinary: boolean): void => {
    const parsed = isBinary
      ? { ok: false as const, error: { message: 'binary frame on the control channel' } }
      : parseControlMessage(ServerMessage, rawBytes(data).toString('utf8'));
    if (parsed.ok) {
      dispatch(handlers, parsed.message);
      return;
    }
    malformedCount += 1;
    log.warn({ count: malformedCount }, `ignored a malformed control message: ${parsed.error.message}`);
    if (malformedCount >= MAX_MALFORMED_MESSAGES) refuse(4422, 'too many malformed messages');
  };

  socket.on('open', () => {
    send(handshake.hello);
    timers.push(
      clock.setTimer(() => {
        if (phase === 'ready') return;
        log.warn('the server did not complete the handshake in time; reconnecting');
        socket.terminate();
      }, HANDSHAKE_TIMEOUT_MS),
    );
  });
  socket.on('message', onMessage);
  socket.on('error', (error) => log.warn({ err: error }, `control channel error: ${error.message}`));
  const closed = new Promise<ControlClosed>((resolve) => {
    socket.on('close', (code, reason) => {
      for (const cancel of timers) cancel();
      resolve({ code, reason: reason.toString('utf8'), wasWelcomed: phase === 'ready' });
    });
  });
  const close = (code: number, reason: string): void => {
    socket.close(code, reason);
    // A server that never answers the closing handshake must not hold the agent's stop().
    timers.push(clock.setTimer(() => socket.terminate(), CLOSE_GRACE_MS));
  };
  return { send, close, closed };
}

/** Calls the handler for a message's type; the map is total, so every type has one. */
function dispatch(handlers: HandlerMap<ServerMessage>, message: ServerMessage): void {
  const handler = handlers[message.type] as (message: ServerMessage) => void;
  handler(message);
}
