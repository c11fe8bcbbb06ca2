import { AppError } from '@tether/protocol';

/** PEM labels a CMS message may carry (`openssl cms`, PowerShell, `openssl smime`/forge). */
const LABELS = ['CMS', 'PKCS7', 'PKCS #7 SIGNED DATA'];
const PEM = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** The first line of an S/MIME message: a MIME header, as `openssl cms -encrypt` starts it. */
const MIME_START = /^(?:MIME-Version|Content-[A-Za-z-]+)\s*:/i;
/** The media types of an S/MIME encrypted message (RFC 8551; `x-` is the older spelling). */
const SMIME_TYPES = ['application/pkcs7-mime', 'application/x-pkcs7-mime'];

/**
 * The DER bytes of a CMS message given as text: S/MIME (MIME headers, then a Base64 body of
 * type `application/pkcs7-mime`, which is what `openssl cms -encrypt` writes by default), PEM
 * armour (`-----BEGIN CMS-----`, as `openssl cms -encrypt -outform PEM` and PowerShell's
 * `Protect-CmsMessage` write it, with LF or CRLF line ends) or bare Base64. Throws
 * `INVALID_INPUT` with what to do when it is none of these.
 *
 * @example
 * const der = decodeCmsText(readFileSync('password.cms', 'utf8'));
 */
export function decodeCmsText(text: string): Buffer {
  const armoured = PEM.exec(text);
  let body = smimeBody(text) ?? text;
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
      'The storage credential is not a CMS message: expected S/MIME output, "-----BEGIN CMS-----" armour or Base64. Paste the whole output of `tether storage seal`, `openssl cms -encrypt` or Protect-CmsMessage.',
    );
  }
  return Buffer.from(compact, 'base64');
}

/**
 * The Base64 body of an S/MIME message, or undefined when `text` does not start with MIME
 * headers. Refuses S/MIME that is not an encrypted Base64 body (a signed message, say), so the
 * administrator learns what was pasted instead of "not valid ASN.1".
 */
function smimeBody(text: string): string | undefined {
  const normalised = text.replace(/\r\n?/g, '\n').trimStart();
  if (!MIME_START.test(normalised)) return undefined;
  const end = normalised.indexOf('\n\n');
  if (end < 0) throw notSmime('it has MIME headers but no body after them');
  const headers = new Map<string, string>();
  // A header line may continue on lines that start with white space (RFC 5322 folding).
  for (const line of normalised
    .slice(0, end)
    .replace(/\n[ \t]+/g, ' ')
    .split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const type = (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!SMIME_TYPES.includes(type))
    throw notSmime(`its Content-Type is "${type || 'missing'}", not application/pkcs7-mime`);
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding !== 'base64')
    throw notSmime(`its Content-Transfer-Encoding is "${encoding || 'missing'}", not base64`);
  return normalised.slice(end + 2);
}

function notSmime(why: string): AppError {
  return new AppError(
    'INVALID_INPUT',
    `The storage credential is an S/MIME message Tether cannot read (${why}). Seal the password or key with \`openssl cms -encrypt -aes256 -recip CERT\` (its output as it is) or \`tether storage seal\`, and paste the whole output.`,
  );
}

/** PEM armour as `openssl cms -outform PEM` writes it: `-----BEGIN CMS-----`, 64-character lines. */
export function encodeCmsPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CMS-----\n${lines.join('\n')}\n-----END CMS-----\n`;
}
