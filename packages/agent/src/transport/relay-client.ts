import { AppError } from '@tether/protocol/agent';
import type { WebSocket } from 'ws';
import { openAgentSocket } from './agent-socket.js';

/** Relay messages are terminal output, keystrokes or file chunks: bounded, never huge. */
const MAX_RELAY_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * The relay URL of an offer: `relayPath` on the control channel's server, with the one-time
 * token. The URL holds a secret: never log it.
 *
 * @example
 * const url = relayUrl(config.serverUrl, offer);
 */
export function relayUrl(serverUrl: string, offer: { relayPath: string; token: string }): URL {
  const url = new URL(offer.relayPath, serverUrl);
  url.searchParams.set('token', offer.token);
  return url;
}

/**
 * Joins a session on the relay. The server's certificate must be the one whose fingerprint the
 * pinned server key signed on the control channel: the relay endpoint gets no challenge of its
 * own, so this is what keeps an intermediary out of the session.
 *
 * @example
 * const socket = await connectRelay(relayUrl(serverUrl, offer), { expectedFingerprint });
 */
export function connectRelay(
  url: URL,
  options: { expectedFingerprint: string; handshakeTimeoutMs?: number },
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    let isMismatch = false;
    const socket = openAgentSocket(url, {
      maxPayload: MAX_RELAY_MESSAGE_BYTES,
      ...(options.handshakeTimeoutMs === undefined
        ? {}
        : { handshakeTimeoutMs: options.handshakeTimeoutMs }),
      onFingerprint: (fingerprint) => {
        isMismatch = fingerprint !== options.expectedFingerprint;
        return !isMismatch;
      },
    });
    const onError = (error: Error): void => {
      socket.off('open', onOpen);
      reject(
        isMismatch
          ? new AppError(
              'AUTH_FAILED',
              'Server identity mismatch on the session relay: its TLS certificate differs from the one the server proved on the control channel.',
            )
          : new AppError(
              'UNAVAILABLE',
              `Cannot join the session relay at ${url.origin} (${error.message}).`,
            ),
      );
    };
    const onOpen = (): void => {
      socket.off('error', onError);
      resolve(socket);
    };
    // A refused certificate terminates the handshake, which `ws` reports as an error.
    socket.once('error', onError);
    socket.once('open', onOpen);
  });
}
