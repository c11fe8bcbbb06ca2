import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { AppError } from '@tether/protocol/agent';
import { sha256Base64Url } from '../identity/ed25519.js';

/**
 * The base64url SHA-256 of the certificate the server presented on this very socket. The agent
 * does not trust certificate authorities (servers usually have self-signed certificates);
 * instead the server signs this fingerprint with its pinned key, so a TLS-terminating proxy is
 * detected.
 *
 * @example
 * socket.on('upgrade', (response) => { fingerprint = tlsFingerprint(response.socket); });
 */
export function tlsFingerprint(socket: Socket): string {
  if (!(socket instanceof TLSSocket)) {
    throw new AppError(
      'FORBIDDEN',
      'The connection to the server is not encrypted (TLS). Use an https:// server address.',
    );
  }
  // Only the DER bytes: getPeerCertificate() would also decode every field and hash the
  // certificate three times (3 % of a simulated fleet's CPU in a cluster failover, profiled).
  const certificate = socket.getPeerX509Certificate();
  // None: the peer sent no certificate (or the socket is already closed).
  if (!certificate) {
    throw new AppError('UNAVAILABLE', 'The server presented no TLS certificate; try again.');
  }
  return sha256Base64Url(certificate.raw);
}
