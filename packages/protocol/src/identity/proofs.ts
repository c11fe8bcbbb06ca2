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
