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
  type ProofChannel,
  type ServerMessage,
  type ServerProofMode,
} from '@tether/protocol/agent';
import { signText, verifyText } from '../identity/ed25519.js';
import { followHandovers } from '../identity/key-handover.js';

/** Shared with enrolment: what to do when the direct-mode binding to TLS fails. */
export const CHANNEL_MISMATCH =
  'Server identity mismatch: the server did not prove it holds the pinned key for this TLS connection (the certificate this agent sees is not the server’s). If a reverse proxy that terminates TLS stands in front of the server, the administrator must mark the server as behind a proxy (admin console, Reverse proxy; or `tether admin proxy set --behind-proxy on`). Otherwise something between this agent and the server is intercepting TLS: tell your administrator.';

/**
 * What the server's signature is bound to: the mode it announced (absent: `direct`, servers
 * before S-11) with, in `direct` mode, the certificate this agent saw.
 */
export function proofChannel(
  mode: ServerProofMode | undefined,
  tlsFingerprint: string,
): ProofChannel {
  return mode === 'behind-proxy' ? { mode } : { mode: 'direct', tlsFingerprint };
}

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
  /**
   * Checks a `certificate` notice on the authenticated channel and returns the fingerprint the
   * relay must present from now on; throws `AppError('AUTH_FAILED')` unless `pinnedKey` (the
   * key pinned now: a rotation may have moved it since the challenge) signed it for this channel.
   */
  certificate(notice: MessageOf<ServerMessage, 'certificate'>, pinnedKey: string): string;
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
  /** Whether it was installed from a package and can take upgrades. */
  canUpgrade?: boolean;
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
      // Every capability the protocol names (M-4); upgrades only in an installed layout.
      capabilities: AgentCapability.options.filter(
        (capability) => capability !== 'upgrade' || options.canUpgrade === true,
      ),
      desktop: options.hasDesktop,
    },
    answer(challenge, tlsFingerprint) {
      const serverKey = followHandovers({
        pinnedKey: options.pinnedServerKey,
        serverKey: challenge.serverPublicKey,
        handovers: challenge.handovers ?? [],
      });
      // The mode is inside the signed text: only the pinned key (or its successor) can drop the
      // TLS binding (S-11).
      const proof = serverProofText({
        agentNonce,
        serverNonce: challenge.serverNonce,
        channel: proofChannel(challenge.mode, tlsFingerprint),
      });
      if (!verifyText(serverKey, proof, challenge.signature)) {
        throw new AppError('AUTH_FAILED', CHANNEL_MISMATCH);
      }
      const text = agentProofText({
        deviceId: options.deviceId,
        serverNonce: challenge.serverNonce,
        agentNonce,
      });
      return { auth: { type: 'auth', signature: signText(options.privateKey, text) }, serverKey };
    },
    certificate(notice, pinnedKey) {
      const proof = certificateProofText({
        agentNonce,
        serverNonce: notice.serverNonce,
        tlsFingerprint: notice.tlsFingerprint,
      });
      if (!verifyText(pinnedKey, proof, notice.signature)) {
        throw new AppError(
          'AUTH_FAILED',
          'Ignored a certificate change the pinned server key did not sign for this connection.',
        );
      }
      return notice.tlsFingerprint;
    },
  };
}
