import { enrollmentSigningInput, formatEnrollmentToken } from '@tether/protocol';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { InstallerRecord } from '../store/store.js';

/**
 * The enrolment token of an installer as it is now: its group, its expiry, issued at its
 * creation, signed by `identity`. Ed25519 signatures are deterministic, so the same record and
 * key always give the same token: it can be made again for a download or after an extension
 * instead of being stored.
 *
 * @example
 * const token = installerToken(await store.installers.find(id), identity);
 */
export function installerToken(
  record: Pick<InstallerRecord, 'id' | 'group' | 'createdAt' | 'expiresAt'>,
  identity: Pick<ServerIdentity, 'publicKeyHash' | 'sign'>,
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
