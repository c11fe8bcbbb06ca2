import { randomBytes, type KeyObject } from 'node:crypto';
import {
  AgentCapability,
  AppError,
  PROTOCOL_VERSION,
  agentProofText,
  serverProofText,
  toBase64Url,
  type AgentMessage,
  type DeviceInventory,
  type MessageOf,
  type ServerMessage,
} from '@tether/protocol/agent';
import { signText, verifyText } from '../identity/ed25519.js';
import { followHandovers } from '../identity/key-handover.js';

/** The agent's half of one challenge–response exchange (DESIGN.md, Identity and trust). */
export interface Handshake {
  /** The first message to send. */
  readonly hello: MessageOf<AgentMessage, 'hello'>;
  /**
   * Checks the server's challenge and returns the `auth` answer with the server key it proved:
   * the pinned key, or its successor through the challenge's hand-overs (S-6), which the agent
   * re-pins before answering. Throws `AppError('AUTH_FAILED')` when the server is not the
   * pinned one or its successor.
   */
  answer(
    challenge: MessageOf<ServerMessage, 'challenge'>,
    tlsFingerprint: string,
  ): { auth: MessageOf<AgentMessage, 'auth'>; serverKey: string };
}

/**
 * Prepares a handshake with a fresh nonce.
 *
 * @example
 * const handshake = createHandshake({ deviceId, inventory, hasDesktop, privateKey, pinnedServerKey });
 * send(handshake.hello);
 * // on challenge:
 * const { auth, serverKey } = handshake.answer(challenge, tlsFingerprint);
 * if (serverKey !== pinnedServerKey) await pin.repin(serverKey);
 * send(auth);
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
      const serverKey = followHandovers({
        pinnedKey: options.pinnedServerKey,
        serverKey: challenge.serverPublicKey,
        handovers: challenge.handovers ?? [],
      });
      const proof = serverProofText({
        agentNonce,
        serverNonce: challenge.serverNonce,
        tlsFingerprint,
      });
      if (!verifyText(serverKey, proof, challenge.signature)) {
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
      return { auth: { type: 'auth', signature: signText(options.privateKey, text) }, serverKey };
    },
  };
}
