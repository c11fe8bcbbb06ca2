import { enrollmentSigningInput, formatEnrollmentToken } from '@tether/protocol';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { InstallerRecord } from '../store/store.js';

/**
 * An installer's enrolment token, made from its record: Ed25519 signatures are deterministic,
 * so the same installer (same expiry) always gives the same token. Creation shows it once; each
 * package download puts it in the package again without the server storing it.
 *
 * @example
 * const token = installerToken(record, context.identity);
 */
export function installerToken(
  record: Pick<InstallerRecord, 'id' | 'group' | 'createdAt' | 'expiresAt'>,
  identity: ServerIdentity,
): string {
  const signingInput = enrollmentSigningInput({
    installerId: record.id,
    group: record.group,
    serverKeyHash: identity.publicKeyHash,
    exp: Math.floor(record.expiresAt.getTime() / 1000),
    iat: Math.floor(record.createdAt.getTime() / 1000),
  });
  return formatEnrollmentToken(signingInput, Buffer.from(identity.sign(signingInput), 'base64url'));
}
