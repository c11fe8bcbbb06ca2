import { randomBytes, type KeyObject } from 'node:crypto';
import {
  AgentCapability,
  AppError,
  PROTOCOL_VERSION,
  agentProofText,
  certificateProofText,
  serverProofText,
  toBase64Url,
  type AgentMessage,
  type DeviceInventory,
  type MessageOf,
  type ServerMessage,
} from '@tether/protocol/agent';
import { signText, verifyText } from '../identity/ed25519.js';

/** The agent's half of one challenge–response exchange (DESIGN.md, Identity and trust). */
export interface Handshake {
  /** The first message to send. */
  readonly hello: MessageOf<AgentMessage, 'hello'>;
  /**
   * Checks the server's challenge and returns the `auth` answer; throws
   * `AppError('AUTH_FAILED')` when the server is not the pinned one.
   */
  answer(
    challenge: MessageOf<ServerMessage, 'challenge'>,
    tlsFingerprint: string,
  ): MessageOf<AgentMessage, 'auth'>;
  /**
   * Checks a `certificate` notice on the authenticated channel and returns the fingerprint the
   * relay must present from now on; throws `AppError('AUTH_FAILED')` unless the pinned key
   * signed it for this channel.
   */
  certificate(notice: MessageOf<ServerMessage, 'certificate'>): string;
}

/**
 * Prepares a handshake with a fresh nonce.
 *
 * @example
 * const handshake = createHandshake({ deviceId, inventory, hasDesktop, privateKey, pinnedServerKey });
 * send(handshake.hello);
 * // on challenge:
 * send(handshake.answer(challenge, tlsFingerprint));
 */
export function createHandshake(options: {
  deviceId: string;
  inventory: DeviceInventory;
  /** Whether this agent can serve desktop sessions (the console disables them otherwise). */
  hasDesktop: boolean;
  privateKey: KeyObject;
  pinnedServerKey: string;
}): Handshake {
  const agentNonce = toBase64Url(randomBytes(32));
  return {
    hello: {
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      deviceId: options.deviceId,
      agentNonce,
      inventory: options.inventory,
      // This agent has every capability the protocol names (M-4).
      capabilities: [...AgentCapability.options],
      desktop: options.hasDesktop,
    },
    answer(challenge, tlsFingerprint) {
      if (challenge.serverPublicKey !== options.pinnedServerKey) {
        throw new AppError(
          'AUTH_FAILED',
          'Server identity mismatch: the server presented a different key from the one pinned at enrolment. Something may be impersonating the server; if the server was reinstalled, enrol this agent again.',
        );
      }
      const proof = serverProofText({
        agentNonce,
        serverNonce: challenge.serverNonce,
        tlsFingerprint,
      });
      if (!verifyText(options.pinnedServerKey, proof, challenge.signature)) {
        throw new AppError(
          'AUTH_FAILED',
          'Server identity mismatch: the server did not prove it holds the pinned key for this TLS connection. A proxy that inspects TLS traffic can cause this; connect the agent to the server directly.',
        );
      }
      const text = agentProofText({
        deviceId: options.deviceId,
        serverNonce: challenge.serverNonce,
        agentNonce,
      });
      return { type: 'auth', signature: signText(options.privateKey, text) };
    },
    certificate(notice) {
      const proof = certificateProofText({
        agentNonce,
        serverNonce: notice.serverNonce,
        tlsFingerprint: notice.tlsFingerprint,
      });
      if (!verifyText(options.pinnedServerKey, proof, notice.signature)) {
        throw new AppError(
          'AUTH_FAILED',
          'Ignored a certificate change the pinned server key did not sign for this connection.',
        );
      }
      return notice.tlsFingerprint;
    },
  };
}
