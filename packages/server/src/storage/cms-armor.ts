import { AppError } from '@tether/protocol';

/** PEM labels a CMS message may carry (`openssl cms`, PowerShell, `openssl smime`/forge). */
const LABELS = ['CMS', 'PKCS7', 'PKCS #7 SIGNED DATA'];
const PEM = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The DER bytes of a CMS message given as text: PEM armour (`-----BEGIN CMS-----`, as
 * `openssl cms -encrypt` and PowerShell's `Protect-CmsMessage` write it, with LF or CRLF line
 * ends) or bare Base64. Throws `INVALID_INPUT` with what to do when it is neither.
 *
 * @example
 * const der = decodeCmsText(readFileSync('password.cms', 'utf8'));
 */
export function decodeCmsText(text: string): Buffer {
  const armoured = PEM.exec(text);
  let body = text;
  if (armoured) {
    const label = armoured[1] ?? '';
    if (!LABELS.includes(label)) {
      throw new AppError(
        'INVALID_INPUT',
        `The storage credential is a PEM "${label}" block, not a CMS message. Seal the password or key with \`tether storage seal\`, \`openssl cms -encrypt\` or Protect-CmsMessage.`,
      );
    }
    body = armoured[2] ?? '';
  }
  const compact = body.replace(/\s+/g, '');
  if (compact.length === 0 || !BASE64.test(compact)) {
    throw new AppError(
      'INVALID_INPUT',
      'The storage credential is not a CMS message: expected "-----BEGIN CMS-----" armour or Base64. Paste the whole output of `tether storage seal`, `openssl cms -encrypt` or Protect-CmsMessage.',
    );
  }
  return Buffer.from(compact, 'base64');
}

/** PEM armour as `openssl cms -outform PEM` writes it: `-----BEGIN CMS-----`, 64-character lines. */
export function encodeCmsPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CMS-----\n${lines.join('\n')}\n-----END CMS-----\n`;
}
