import { z } from 'zod';

/**
 * The exact texts signed during enrolment and on every agent connection. Both sides build
 * them with these functions, so a change of format is made in one place.
 *
 * In `direct` mode the server proof binds the TLS certificate the agent actually sees
 * (`tlsFingerprint`, the base64url SHA-256 of its DER) to the pinned server key: a proxy that
 * terminates TLS with its own certificate cannot produce it. In `behind-proxy` mode (S-11, the
 * administrator says a TLS-terminating reverse proxy stands in front of the server) that line
 * is the literal `behind-proxy` instead: the pinned key still signs both nonces, but no TLS
 * channel is bound. The mode is inside the signed text, so only the pinned key can say it; an
 * intermediary cannot turn a `direct` proof into a `behind-proxy` one.
 */

/**
 * How the server's proofs are bound to the connection: to the TLS certificate the agent sees,
 * or (behind a TLS-terminating reverse proxy) to nothing but the nonces and the pinned key.
 *
 * @example
 * ServerProofMode.parse('behind-proxy');
 */
export const ServerProofMode = z.enum(['direct', 'behind-proxy']);
export type ServerProofMode = z.infer<typeof ServerProofMode>;

/**
 * What a server proof is bound to. `direct` carries the certificate the agent saw (or, on the
 * server, its own certificate); `behind-proxy` carries nothing, the proxy's certificate being
 * none of the server's business.
 *
 * @example
 * const channel: ProofChannel = behindProxy ? { mode: 'behind-proxy' } : { mode: 'direct', tlsFingerprint };
 */
export type ProofChannel =
  { readonly mode: 'direct'; readonly tlsFingerprint: string } | { readonly mode: 'behind-proxy' };

/** The channel line: a base64url SHA-256 (43 characters) can never equal `behind-proxy`. */
function channelLine(channel: ProofChannel): string {
  return channel.mode === 'direct' ? channel.tlsFingerprint : 'behind-proxy';
}

/**
 * Signed by the server when an agent connects.
 *
 * @example
 * sign(serverKey, serverProofText({ agentNonce, serverNonce, channel: { mode: 'direct', tlsFingerprint } }))
 */
export function serverProofText(input: {
  agentNonce: string;
  serverNonce: string;
  channel: ProofChannel;
}): string {
  return `tether/v1/server-proof\n${input.agentNonce}\n${input.serverNonce}\n${channelLine(input.channel)}`;
}

/**
 * Signed by the agent with its Ed25519 identity key to answer the server's challenge.
 *
 * @example
 * sign(agentKey, agentProofText({ deviceId, serverNonce, agentNonce }))
 */
export function agentProofText(input: {
  deviceId: string;
  serverNonce: string;
  agentNonce: string;
}): string {
  return `tether/v1/agent-proof\n${input.deviceId}\n${input.serverNonce}\n${input.agentNonce}`;
}

/**
 * Signed by the server when it accepts an enrolment, so the agent knows the pinned server (and
 * not an intermediary) registered its key.
 *
 * @example
 * sign(serverKey, enrollmentProofText({ deviceId, agentPublicKey, channel: { mode: 'behind-proxy' } }))
 */
export function enrollmentProofText(input: {
  deviceId: string;
  agentPublicKey: string;
  channel: ProofChannel;
}): string {
  return `tether/v1/enroll\n${input.deviceId}\n${input.agentPublicKey}\n${channelLine(input.channel)}`;
}

/**
 * What a hand-over link is for: the server's signing key handing over to its successor (S-6).
 * Other key kinds may hand over one day; an agent accepts only this purpose.
 */
export const SERVER_KEY_HANDOVER_PURPOSE = 'tether server signing key';

/**
 * Signed by the OLD server key when an administrator rotates it: "from now on, `toKey` speaks
 * for me". An agent that pinned `fromKey` re-pins `toKey` after checking this signature.
 *
 * @example
 * sign(oldKey, keyHandoverText({ fromKey, toKey, createdAt, purpose: SERVER_KEY_HANDOVER_PURPOSE }))
 */
export function keyHandoverText(input: {
  fromKey: string;
  toKey: string;
  createdAt: string;
  purpose: string;
}): string {
  return `tether/v1/key-handover\n${input.fromKey}\n${input.toKey}\n${input.createdAt}\n${input.purpose}`;
}

/**
 * Signed by the server on an open control channel when the listeners' certificate changed, so
 * the agent accepts the new one on the session relay. `agentNonce` is the channel's `hello`
 * nonce: the statement is good for this channel only.
 *
 * @example
 * sign(serverKey, certificateProofText({ agentNonce, serverNonce, tlsFingerprint }))
 */
export function certificateProofText(input: {
  agentNonce: string;
  serverNonce: string;
  tlsFingerprint: string;
}): string {
  return `tether/v1/certificate\n${input.agentNonce}\n${input.serverNonce}\n${input.tlsFingerprint}`;
}
