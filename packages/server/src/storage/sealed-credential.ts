// Sealing and opening credentials (CMS) needs node-forge: ~600 KiB of code and ~6 MiB resident
// once loaded. Most servers never configure external storage, so the server loads it with the
// first credential it seals or opens, not at start. Everything outside the CMS files calls these.
import type { CertificateFolders } from './certificate-store.js';

/**
 * Decrypts a sealed credential with the matching private key from `folders` (see cms-decrypt.ts).
 *
 * @example
 * const plaintext = await openSealedCredential(storage.credential, config.storage);
 */
export async function openSealedCredential(
  text: string,
  folders: CertificateFolders,
): Promise<Buffer> {
  const cms = await import('./cms-decrypt.js');
  return cms.openSealedCredential(text, folders);
}

/**
 * Seals a credential for a certificate, as PEM text (see cms-seal.ts).
 *
 * @example
 * process.stdout.write(await sealCredential(certificatePem, secret));
 */
export async function sealCredential(
  certificatePem: string,
  plaintext: Uint8Array,
): Promise<string> {
  const cms = await import('./cms-seal.js');
  return cms.sealCredential(certificatePem, plaintext);
}
