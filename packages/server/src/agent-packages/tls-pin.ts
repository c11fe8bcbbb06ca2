import { X509Certificate, createHash } from 'node:crypto';
import type { ProxyState } from '../net/proxy-settings.js';
import type { TlsService } from '../tls/tls-service.js';

/**
 * What the one-liner's curl pins (`--pinnedpubkey sha256//…`: the SHA-256 of the certificate's
 * public key) when the server's certificate is self-signed, so downloads are checked without a
 * certificate authority and without a plain `-k`. None when a certificate authority vouches for
 * it, or behind a reverse proxy (devices then see the proxy's certificate, not this one).
 */
export function serverTlsPin(
  tls: Pick<TlsService, 'cert' | 'selfSigned'>,
  proxy: Pick<ProxyState, 'behindProxy'>,
): string | undefined {
  if (!tls.selfSigned || proxy.behindProxy()) return undefined;
  const key = new X509Certificate(tls.cert).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256//${createHash('sha256').update(key).digest('base64')}`;
}
