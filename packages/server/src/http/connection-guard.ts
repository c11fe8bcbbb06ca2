import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Logger } from '../logging.js';
import { AddressList, isLocalhost } from '../net/address-list.js';

/** Either listener's server: HTTPS, or the plain-HTTP redirect. */
type Server = HttpServer | HttpsServer;

/** Timeouts and the per-source cap of one listener (config `connections`). */
export interface ConnectionLimits {
  /** A request's headers (and, before them, the TLS handshake) must arrive within this. */
  headersTimeoutSec: number;
  /** A request body must make progress: at least BODY_PROGRESS_BYTES per period of this. */
  bodyTimeoutSec: number;
  /** A keep-alive connection with no request in flight is closed after this. */
  idleTimeoutSec: number;
  /** HTTP connections one address may hold at once; WebSockets leave the count once upgraded. */
  maxConnectionsPerSource: number;
}

/**
 * Addresses the cap does not apply to: the machine itself (127.0.0.1, ::1) and the trusted
 * reverse proxies, because every client behind them arrives from that one address.
 */
export function isUncapped(address: string, trustedProxies: AddressList): boolean {
  return isLocalhost(address) || trustedProxies.has(address);
}

/**
 * What a body must deliver per `bodyTimeoutSec` to be "making progress". A trickle of a byte
 * now and then never reaches it; any real client, even on a poor link, does. With the body size
 * limit this also bounds how long one request can hold its connection.
 */
export const BODY_PROGRESS_BYTES = 16 * 1024;

/**
 * Options that must be given when the HTTPS server is created (Node reads them only then): the
 * TLS handshake deadline and how often Node checks its header deadline.
 */
export function serverCreationOptions(limits: ConnectionLimits): {
  handshakeTimeout: number;
  connectionsCheckingInterval: number;
} {
  const headersMs = limits.headersTimeoutSec * 1000;
  return {
    handshakeTimeout: headersMs,
    // Node checks header deadlines on this interval: a quarter of the deadline keeps the
    // overshoot small without scanning connections too often.
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(headersMs / 4))),
  };
}

/**
 * Bounds what slow or numerous connections can hold (a thousand trickling POSTs used to keep
 * their descriptors forever): header, body-progress and keep-alive idle deadlines, and a cap on
 * concurrent HTTP connections per source address. Long-lived WebSockets are untouched: Node
 * stops its HTTP deadlines on upgrade, `ws` clears the socket timeout, and an upgraded socket is
 * released from the per-source count.
 */
export function guardConnections(
  server: Server,
  limits: ConnectionLimits & { trustedProxies: readonly string[] },
  log: Logger,
): void {
  // Node's own header deadline; its whole-request deadline stays off because it would cut a
  // large upload that is still making progress (the body check below replaces it).
  server.headersTimeout = limits.headersTimeoutSec * 1000;
  server.requestTimeout = 0;
  server.keepAliveTimeout = limits.idleTimeoutSec * 1000;
  guardBodies(server, limits.bodyTimeoutSec * 1000);
  capPerSource(
    server,
    { max: limits.maxConnectionsPerSource, uncapped: new AddressList(limits.trustedProxies) },
    log,
  );
}

/** Closes the connection of a request whose body stalls or trickles. */
function guardBodies(server: Server, periodMs: number): void {
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    let lastBytes = socket.bytesRead;
    const check = (): void => {
      if (request.complete || socket.destroyed) return;
      const bytes = socket.bytesRead;
      if (bytes - lastBytes >= BODY_PROGRESS_BYTES) {
        lastBytes = bytes;
        timer = setTimeout(check, periodMs).unref();
        return;
      }
      socket.destroy();
    };
    let timer = setTimeout(check, periodMs).unref();
    // A keep-alive socket carries many requests: each one's listener leaves with its request,
    // or they pile up on the socket (Node warned at 11).
    const stop = (): void => {
      clearTimeout(timer);
      socket.off('close', stop);
    };
    socket.once('close', stop);
    request.once('end', stop);
    response.once('close', stop);
  });
}

/**
 * Refuses a source's connection beyond `max` (it is closed at once, before TLS). Counting starts
 * on the TCP connection, so sockets that never finish their handshake count too.
 */
function capPerSource(
  server: Server,
  options: { max: number; uncapped: AddressList },
  log: Logger,
): void {
  const { max } = options;
  const perSource = new Map<string, number>();
  /** Connections still counted, by `address|port`, so an upgrade can release its own. */
  const counted = new Map<string, () => void>();
  let lastWarning = 0;

  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (isUncapped(address, options.uncapped)) return;
    const open = perSource.get(address) ?? 0;
    if (open >= max) {
      socket.destroy();
      const now = Date.now();
      if (now - lastWarning > 60_000) {
        lastWarning = now;
        log.warn({ sourceAddress: address, max }, 'too many connections from one source');
      }
      return;
    }
    perSource.set(address, open + 1);
    const key = `${address}|${socket.remotePort ?? 0}`;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      counted.delete(key);
      const left = (perSource.get(address) ?? 1) - 1;
      if (left > 0) perSource.set(address, left);
      else perSource.delete(address);
    };
    counted.set(key, release);
    socket.once('close', release);
  });
  server.on('upgrade', (request: IncomingMessage) => {
    const socket = request.socket;
    counted.get(`${socket.remoteAddress ?? 'unknown'}|${socket.remotePort ?? 0}`)?.();
  });
}
