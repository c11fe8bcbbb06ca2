import type { Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { WebSocket } from 'ws';
import { proxyFor, tunnelAgent } from './http-proxy.js';
import { tlsFingerprint } from './tls-fingerprint.js';

/** Options of {@link openAgentSocket}. */
export interface AgentSocketOptions {
  /** Largest message accepted, in bytes. */
  maxPayload: number;
  /** Gives up when the connection, TLS and the HTTP upgrade stay silent longer than this. */
  handshakeTimeoutMs?: number;
  /**
   * Gives up sooner when not even the TCP connection is up by then (default: only the handshake
   * timeout applies). Once it is up the agent is queued at the server, and leaving then only
   * queues it again behind everyone else (see the control connection).
   */
  connectTimeoutMs?: number;
  /**
   * Called with the fingerprint of the certificate seen on this socket once TLS is up, before
   * the HTTP upgrade request is sent; return false to abandon the connection.
   */
  onFingerprint: (fingerprint: string) => boolean;
}

const zeroMask = (mask: Buffer): void => void mask.fill(0);

let sharedTlsContext: SecureContext | undefined;

/**
 * One TLS context for every connection of this process. Node otherwise builds one per
 * connection attempt (loading the CA store each time, though the agent identifies the server by
 * its pinned key, not by a CA): that was the largest cost of an agent retrying while its server
 * restarts.
 */
function sharedContextOption(): { secureContext: SecureContext } {
  sharedTlsContext ??= createSecureContext();
  return { secureContext: sharedTlsContext };
}

/**
 * Opens a WebSocket to the server the way the agent always does: wss only, no CA validation
 * (trust comes from the pinned key and the signed fingerprint), no Origin header (the agent is
 * not a browser), through the HTTP proxy of `HTTPS_PROXY` unless `NO_PROXY` names the server,
 * no compression (terminal and RFB traffic is either small or incompressible,
 * and compression costs latency and memory per socket).
 *
 * @example
 * const socket = openAgentSocket(url, { maxPayload: 1 << 20, onFingerprint: (fp) => { seen = fp; return true; } });
 */
export function openAgentSocket(url: URL, options: AgentSocketOptions): WebSocket {
  const target = new URL(url);
  if (target.protocol === 'https:') target.protocol = 'wss:';
  if (target.protocol !== 'wss:')
    throw new Error(`Refusing a non-TLS server address (${target.protocol}).`);
  const proxy = proxyFor(target, process.env);
  const socket = new WebSocket(target, {
    // Through an HTTP proxy when HTTPS_PROXY says so (M-6): TLS still runs end to end.
    ...(proxy ? { agent: tunnelAgent(proxy) } : {}),
    rejectUnauthorized: false,
    // ws hands every option on to tls.connect, though its types leave this one out.
    ...sharedContextOption(),
    perMessageDeflate: false,
    // A zero masking key: the server then skips unmasking, and this side skips copying and
    // XOR-ing every frame it sends (a file download or a shell's output is all sent frames).
    // Masking (RFC 6455 §10.3) guards proxies against frames crafted by a hostile page's
    // script in a browser; the agent runs no such script and its frames travel inside TLS.
    generateMask: zeroMask,
    followRedirects: false,
    maxPayload: options.maxPayload,
    handshakeTimeout: options.handshakeTimeoutMs ?? 15_000,
    // The HTTP upgrade request carries secrets (a relay token) and must not reach a server
    // we have not identified: hold it until the TLS handshake is done and the caller accepts
    // the certificate.
    finishRequest: (request) => {
      request.once('socket', (tcp: Socket) => {
        if (options.connectTimeoutMs !== undefined && tcp.connecting)
          limitConnect(tcp, options.connectTimeoutMs, (error) => request.destroy(error));
        tcp.once('secureConnect', () => {
          if (isAccepted(tcp, options.onFingerprint)) request.end();
          else request.destroy(new Error('server identity mismatch (unexpected TLS certificate)'));
        });
      });
    },
  });
  return socket;
}

/** Calls `abort` when `tcp` has not connected within `timeoutMs`. */
function limitConnect(tcp: Socket, timeoutMs: number, abort: (error: Error) => void): void {
  const timer = setTimeout(
    () => abort(new Error(`no TCP connection to the server within ${timeoutMs / 1000} s`)),
    timeoutMs,
  );
  const stop = (): void => clearTimeout(timer);
  tcp.once('connect', stop);
  tcp.once('close', stop);
}

function isAccepted(socket: Socket, onFingerprint: (fingerprint: string) => boolean): boolean {
  try {
    return onFingerprint(tlsFingerprint(socket));
  } catch {
    return false; // no peer certificate: nothing to identify the server by
  }
}
