import {
  AppError,
  enrollmentProofText,
  type EnrollmentClaims,
  type EnrollResponse,
  type ParsedEnrollmentToken,
  toBase64Url,
} from '@tether/protocol/agent';
import { serverKeyHash, verifyText } from '../identity/ed25519.js';
import { proofChannel } from '../transport/control-handshake.js';

/**
 * Checks a local token before anything is sent: expiry first, because that is the mistake
 * users make most (an old installer) and the message can say exactly what to do.
 *
 * @example
 * checkTokenExpiry(parsed.claims, Date.now());
 */
export function checkTokenExpiry(claims: EnrollmentClaims, nowMs: number): void {
  if (claims.exp * 1000 <= nowMs) {
    const until = new Date(claims.exp * 1000).toISOString();
    throw new AppError(
      'TOKEN_EXPIRED',
      `This enrolment token has expired (valid until ${until}). Ask your administrator for a new installer.`,
    );
  }
}

/**
 * Verifies the server's enrolment answer; throws `AppError('AUTH_FAILED')` unless
 * - the server's key is the one the token pins (SHA-256 of the raw key = `serverKeyHash`),
 * - that key signed the token itself, and
 * - that key signed this device ID, our public key and the TLS certificate we saw — so the
 *   answer cannot come from a TLS-terminating intermediary relaying to the real server — or,
 *   when the server signed that it is behind a reverse proxy (S-11), the mode instead.
 *
 * @example
 * verifyEnrollmentResponse(response, { token: parsed, agentPublicKey, tlsFingerprint, serverUrl });
 */
export function verifyEnrollmentResponse(
  response: EnrollResponse,
  context: {
    token: ParsedEnrollmentToken;
    agentPublicKey: string;
    tlsFingerprint: string;
    serverUrl: string;
  },
): void {
  const { token, serverUrl } = context;
  if (serverKeyHash(response.serverPublicKey) !== token.claims.serverKeyHash) {
    throw new AppError(
      'AUTH_FAILED',
      `The server at ${serverUrl} is not the server this enrolment token was made for (its key does not match the token). Check the server address; if it is right, something on the network is impersonating the server — tell your administrator.`,
    );
  }
  const tokenSignature = toBase64Url(token.signature);
  if (!verifyText(response.serverPublicKey, token.signingInput, tokenSignature)) {
    throw new AppError(
      'AUTH_FAILED',
      'The enrolment token was not signed by this server. Ask your administrator for a new installer.',
    );
  }
  const proof = enrollmentProofText({
    deviceId: response.deviceId,
    agentPublicKey: context.agentPublicKey,
    channel: proofChannel(response.mode, context.tlsFingerprint),
  });
  if (!verifyText(response.serverPublicKey, proof, response.signature)) {
    throw new AppError(
      'AUTH_FAILED',
      `The enrolment answer from ${serverUrl} carries an invalid signature for this TLS connection (the certificate this agent sees is not the server’s, or the answer was altered), so it cannot be trusted and nothing was saved. If a reverse proxy that terminates TLS stands in front of the server, the administrator must mark the server as behind a proxy (admin console, Reverse proxy; or \`tether admin proxy set --behind-proxy on\`). Otherwise something on the network intercepts TLS: connect to the server directly, or tell your administrator.`,
    );
  }
}
