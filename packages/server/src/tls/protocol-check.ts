import { createSecureContext } from 'node:tls';
import { AppError, TlsMinVersion, type TlsProtocolSettings } from '@tether/protocol';

/** Operators and keywords of an OpenSSL cipher list that name no suite of their own. */
const OPERATOR = /^[!+-]|^@/;
const TOKEN = /^[!+@-]?[A-Za-z0-9_.=+-]+$/;

function isKnownCipher(name: string): boolean {
  try {
    createSecureContext({ ciphers: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a minimum version and cipher list before they are stored (S-5): every suite or group
 * the list names must be one this server's OpenSSL knows (OpenSSL itself ignores unknown names
 * when others match, so a typo would silently drop a suite), and the whole list must build a
 * context. Exclusions (`!`, `-`) and ordering operators are only checked for their form.
 *
 * @example
 * const protocol = checkProtocolSettings({ minVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' });
 */
export function checkProtocolSettings(settings: TlsProtocolSettings): TlsProtocolSettings {
  const minVersion = TlsMinVersion.safeParse(settings.minVersion);
  if (!minVersion.success) {
    throw new AppError('INVALID_INPUT', 'The minimum TLS version must be TLSv1.2 or TLSv1.3.');
  }
  const elements = settings.ciphers
    .split(/[:,\s]+/)
    .map((element) => element.trim())
    .filter(Boolean);
  if (elements.length === 0) {
    throw new AppError('INVALID_INPUT', 'Give at least one cipher suite (or keep the default).');
  }
  const malformed = elements.find((element) => !TOKEN.test(element));
  if (malformed !== undefined) {
    throw new AppError(
      'INVALID_INPUT',
      `"${malformed}" is not a cipher suite name: separate OpenSSL names with colons, e.g. TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256.`,
    );
  }
  const unknown = elements.filter((element) => !OPERATOR.test(element) && !isKnownCipher(element));
  if (unknown.length > 0) {
    throw new AppError(
      'INVALID_INPUT',
      `Unknown cipher suite${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Use OpenSSL names (\`openssl ciphers -v\` lists them), e.g. ECDHE-RSA-AES128-GCM-SHA256 or TLS_AES_128_GCM_SHA256.`,
    );
  }
  const ciphers = elements.join(':');
  try {
    createSecureContext({ ciphers, minVersion: minVersion.data });
  } catch {
    throw new AppError('INVALID_INPUT', `The cipher list "${ciphers}" selects no usable suite.`);
  }
  return { minVersion: minVersion.data, ciphers };
}
