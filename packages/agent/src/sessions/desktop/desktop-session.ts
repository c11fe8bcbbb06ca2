import { AppError, NO_DESKTOP_MESSAGE, type SessionOffer } from '@tether/protocol/agent';
import type { Socket } from 'node:net';
import type { Logger } from '../../logging.js';
import { WebSocket, type RawData } from 'ws';
import type { Clock } from '../../clock.js';
import { rawBytes } from '../../transport/raw-data.js';
import { connectRelay, relayUrl } from '../../transport/relay-client.js';
import type { RunningSession } from '../running-session.js';
import { ByteQueue } from './byte-queue.js';
import { presentNoAuth } from './console-handshake.js';
import { RfbClientFilter, RfbProtocolError } from './rfb-client-filter.js';
import { connectVnc, type VncConnection, type VncTarget } from './vnc-upstream.js';

const CLOSE_GRACE_MS = 3000;
/** Above this much unsent screen data the VNC server is no longer read; resumed once drained. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
const LOW_WATER_BYTES = 1024 * 1024;

/** Options of {@link startDesktopSession}. */
export interface DesktopSessionOptions {
  serverUrl: string;
  expectedFingerprint: string;
  log: Logger;
  clock: Clock;
  /** The device's VNC server; undefined when the agent has none configured. */
  vnc: VncTarget | undefined;
}

/**
 * Serves a desktop session: authenticates to the device's VNC server itself, joins the relay
 * and presents a no-authentication RFB 3.8 server to the console, then carries raw RFB bytes
 * (binary WebSocket messages, as noVNC expects). Console → device messages go through
 * {@link RfbClientFilter}, which drops input in view-only sessions.
 *
 * @example
 * const session = await startDesktopSession(offer, { serverUrl, expectedFingerprint, log, clock, vnc });
 */
export async function startDesktopSession(
  offer: SessionOffer,
  options: DesktopSessionOptions,
): Promise<RunningSession> {
  if (!options.vnc) {
    throw new AppError('UNAVAILABLE', NO_DESKTOP_MESSAGE);
  }
  const log = options.log.child({ sessionId: offer.sessionId });
  const vnc = await connectVnc(options.vnc, options.clock);
  let socket: WebSocket;
  try {
    socket = await connectRelay(relayUrl(options.serverUrl, offer), {
      expectedFingerprint: options.expectedFingerprint,
    });
  } catch (error) {
    vnc.socket.destroy();
    throw error;
  }
  const viewOnly =
    offer.viewOnly === true || (offer.rights !== undefined && !offer.rights.includes('control'));
  log.info({ technician: offer.technician, viewOnly }, 'desktop session started');
  return bridge(socket, vnc, { sessionId: offer.sessionId, viewOnly, log, clock: options.clock });
}

function bridge(
  socket: WebSocket,
  vnc: VncConnection,
  context: { sessionId: string; viewOnly: boolean; log: Logger; clock: Clock },
): RunningSession {
  const { log, clock } = context;
  const upstream = vnc.socket;
  const filter = new RfbClientFilter({ viewOnly: context.viewOnly });
  const handshakeQueue = new ByteQueue();
  let isStreaming = false;
  const closeRelay = (code: number, reason: string): void => {
    if (socket.readyState === WebSocket.CLOSED) return;
    socket.close(code, reason);
    const cancel = clock.setTimer(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', cancel);
  };
  const fromConsole = (bytes: Uint8Array): void => {
    try {
      const { forward, dropped } = filter.push(bytes);
      for (const message of forward) upstream.write(message);
      if (dropped > 0) log.debug({ dropped }, 'view-only: dropped input from the console');
    } catch (error) {
      log.warn({ err: error }, 'closing the desktop session: bad RFB message from the console');
      const why = error instanceof RfbProtocolError ? `: ${error.message}` : '';
      closeRelay(4422, `bad RFB message${why}`.slice(0, 120));
      upstream.destroy();
    }
  };
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) return closeRelay(4422, 'RFB bytes must be binary messages');
    const bytes = rawBytes(data);
    if (isStreaming) fromConsole(bytes);
    else handshakeQueue.push(bytes);
  });
  socket.on('error', (error) => log.warn({ err: error }, `desktop relay error: ${error.message}`));
  presentNoAuth(socket, handshakeQueue).then(
    (rest) => {
      isStreaming = true;
      fromConsole(rest);
      pipeScreen(upstream, socket, vnc.rest);
    },
    (error: unknown) => {
      log.warn(
        { err: error },
        'closing the desktop session: RFB handshake with the console failed',
      );
      closeRelay(4422, 'RFB handshake failed');
    },
  );
  const relayClosed = new Promise<void>((resolve) => {
    socket.on('close', (code, reason) => {
      log.info({ code, reason: reason.toString('utf8') }, 'desktop relay closed');
      handshakeQueue.fail(new Error('the relay closed'));
      upstream.destroy();
      resolve();
    });
  });
  const upstreamClosed = new Promise<void>((resolve) => {
    upstream.on('error', (error) =>
      log.warn({ err: error }, `VNC connection error: ${error.message}`),
    );
    upstream.on('close', () => {
      closeRelay(1000, 'the VNC server closed the connection');
      resolve();
    });
  });
  const ended = Promise.all([relayClosed, upstreamClosed]).then(() => {
    log.info('desktop session ended');
  });
  return {
    sessionId: context.sessionId,
    ended,
    async stop(reason) {
      closeRelay(1000, reason.slice(0, 120));
      upstream.destroy();
      await ended;
    },
  };
}

/** VNC server → console, with flow control so a slow link pauses reading the VNC server. */
function pipeScreen(upstream: Socket, socket: WebSocket, rest: Buffer): void {
  let isPaused = false;
  const onSent = (): void => {
    if (isPaused && socket.bufferedAmount < LOW_WATER_BYTES) {
      isPaused = false;
      upstream.resume();
    }
  };
  const send = (bytes: Buffer): void => {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(bytes, { binary: true }, onSent);
    if (!isPaused && socket.bufferedAmount > HIGH_WATER_BYTES) {
      isPaused = true;
      upstream.pause();
    }
  };
  if (rest.length > 0) send(rest);
  upstream.on('data', send);
  upstream.resume();
}
