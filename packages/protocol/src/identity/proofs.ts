/**
 * The exact texts signed during enrolment and on every agent connection. Both sides build
 * them with these functions, so a change of format is made in one place.
 *
 * The server proof binds the TLS certificate the agent actually sees (`tlsFingerprint`, the
 * base64url SHA-256 of its DER) to the pinned server key: a proxy that terminates TLS with its
 * own certificate cannot produce it.
 */

/**
 * Signed by the server when an agent connects.
 *
 * @example
 * sign(serverKey, serverProofText({ agentNonce, serverNonce, tlsFingerprint }))
 */
export function serverProofText(input: {
  agentNonce: string;
  serverNonce: string;
  tlsFingerprint: string;
}): string {
  return `tether/v1/server-proof\n${input.agentNonce}\n${input.serverNonce}\n${input.tlsFingerprint}`;
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
 * sign(serverKey, enrollmentProofText({ deviceId, agentPublicKey, tlsFingerprint }))
 */
export function enrollmentProofText(input: {
  deviceId: string;
  agentPublicKey: string;
  tlsFingerprint: string;
}): string {
  return `tether/v1/enroll\n${input.deviceId}\n${input.agentPublicKey}\n${input.tlsFingerprint}`;
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
