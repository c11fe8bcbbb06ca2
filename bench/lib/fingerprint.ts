import { X509Certificate, createHash } from 'node:crypto';

/**
 * base64url SHA-256 of a PEM certificate's DER: what the agent's relay client expects the
 * relay to present (the value the server signs on the control channel).
 *
 * @example
 * const expectedFingerprint = certificateFingerprint(server.ca);
 */
export function certificateFingerprint(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
}
