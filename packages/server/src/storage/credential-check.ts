import { AppError, type CustomStorage } from '@tether/protocol';
import type { CertificateFolders } from './certificate-store.js';
import { openSealedCredential } from './sealed-credential.js';
import { credentialMismatch, decodeCredentialText } from './sftp-credential.js';

/**
 * Refuses a storage setting whose sealed credential does not fit its authentication (a private
 * key sealed for password login, or a password for public-key login), when this server can open
 * the credential now. One it cannot open yet (its certificate is installed later, or on another
 * machine) is accepted: the storage test and every upload check it again before sending anything.
 *
 * @example
 * await refuseMismatchedCredential(settings.customStorage, config.storage);
 */
export async function refuseMismatchedCredential(
  storage: CustomStorage,
  folders: CertificateFolders,
): Promise<void> {
  const plaintext = await openSealedCredential(storage.credential, folders).catch(
    // Not openable here and now is not an error at save time (see above); uploads report it.
    () => undefined,
  );
  if (!plaintext) return;
  let mismatch: string | undefined;
  try {
    mismatch = credentialMismatch(storage.authentication, decodeCredentialText(plaintext));
  } finally {
    plaintext.fill(0);
  }
  if (mismatch) {
    throw new AppError('INVALID_INPUT', `Invalid policy: settings.customStorage: ${mismatch}`, {
      issues: ['settings.customStorage.authentication: does not fit the sealed credential'],
    });
  }
}
