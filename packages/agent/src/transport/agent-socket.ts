import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { tlsFingerprint } from './tls-fingerprint.js';

/** Options of {@link openAgentSocket}. */
export interface AgentSocketOptions {
  /** Largest message accepted, in bytes. */
  maxPayload: number;
  /** Gives up when the TLS + HTTP upgrade takes longer than this. */
  handshakeTimeoutMs?: number;
  /**
   * Called with the fingerprint of the certificate seen on this socket, before any message is
   * delivered; return false to abandon the socket (it is terminated).
   */
  onFingerprint: (fingerprint: string) => boolean;
}

/**
 * Opens a WebSocket to the server the way the agent always does: wss only, no CA validation
 * (trust comes from the pinned key and the signed fingerprint), no Origin header (the agent is
 * not a browser), no compression (terminal and RFB traffic is either small or incompressible,
 * and compression costs latency and memory per socket).
 *
 * @example
 * const socket = openAgentSocket(url, { maxPayload: 1 << 20, onFingerprint: (fp) => { seen = fp; return true; } });
 */
export function openAgentSocket(url: URL, options: AgentSocketOptions): WebSocket {
  const target = new URL(url);
  if (target.protocol === 'https:') target.protocol = 'wss:';
  if (target.protocol !== 'wss:') throw new Error(`Refusing a non-TLS server address (${target.protocol}).`);
  const socket = new WebSocket(target, {
    rejectUnauthorized: false,
    perMessageDeflate: false,
    followRedirects: false,
    maxPayload: options.maxPayload,
    handshakeTimeout: options.handshakeTimeoutMs ?? 15_000,
  });
  socket.once('upgrade', (response: IncomingMessage) => {
    let isAccepted = false;
    try {
      isAccepted = options.onFingerprint(tlsFingerprint(response.socket));
    } catch {
      // Only possible when the peer sent no certificate: the URL is wss, so the socket is TLS.
      // Terminating makes `ws` report the failed connection through 'error' and 'close'.
      isAccepted = false;
    }
    if (!isAccepted) socket.terminate();
  });
  return socket;
}
