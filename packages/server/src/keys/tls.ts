import { X509Certificate, createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError, toBase64Url } from '@tether/protocol';
import { readIfExists, writeSecretFile } from './files.js';

/** What the HTTPS listeners serve. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** base64url SHA-256 of the certificate's DER: what agents see and the server signs. */
  fingerprint: string;
  selfSigned: boolean;
}

/** base64url SHA-256 of a PEM certificate's DER. */
export function certificateFingerprint(certPem: string): string {
  return toBase64Url(createHash('sha256').update(new X509Certificate(certPem).raw).digest());
}

function isUsable(certPem: string): boolean {
  const cert = new X509Certificate(certPem);
  return new Date(cert.validTo).getTime() > Date.now() + 7 * 24 * 3600 * 1000;
}

/**
 * The administrator's certificate and key when configured (S-5), otherwise a self-signed pair
 * kept in `<keysDir>` and renewed a week before it expires.
 */
export async function loadTlsMaterial(options: {
  keysDir: string;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}): Promise<TlsMaterial> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) {
      throw new AppError('INVALID_INPUT', 'Set both tls.certFile and tls.keyFile, or neither.');
    }
    const cert = await readIfExists(options.certFile);
    const key = await readIfExists(options.keyFile);
    if (!cert || !key) {
      throw new AppError(
        'INVALID_INPUT',
        `TLS certificate or key not found: ${options.certFile}, ${options.keyFile}.`,
      );
    }
    return { cert, key, fingerprint: certificateFingerprint(cert), selfSigned: false };
  }
  const certPath = join(options.keysDir, 'tls-self-signed.crt');
  const keyPath = join(options.keysDir, 'tls-self-signed.key');
  const cert = await readIfExists(certPath);
  const key = await readIfExists(keyPath);
  if (cert && key && isUsable(cert)) {
    return { cert, key, fingerprint: certificateFingerprint(cert), selfSigned: true };
  }
  // node-forge (~600 KiB of code) only for the first start, not on every start after it.
  const { createSelfSignedCertificate } = await import('./self-signed-certificate.js');
  const fresh = createSelfSignedCertificate({
    commonName: `Tether server (${hostname()})`,
    names: ['localhost', hostname(), '127.0.0.1', '::1'],
    validDays: 397,
  });
  await writeSecretFile(keyPath, fresh.key);
  await writeSecretFile(certPath, fresh.cert);
  return { ...fresh, fingerprint: certificateFingerprint(fresh.cert), selfSigned: true };
}
