import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Runs `openssl` with `input` on stdin; resolves with stdout as bytes. */
export function openssl(args: string[], input: Uint8Array = Buffer.alloc(0)): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'openssl',
      args,
      { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`openssl ${args.join(' ')} failed: ${stderr.toString()}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end(Buffer.from(input));
  });
}

/** The uploading machine's certificate folders, as the server reads them. */
export interface CertificateFolders {
  certsDir: string;
  privateDir: string;
}

/** A certificate created for a test: its file, and its key file in the private folder. */
export interface TestCertificate {
  certFile: string;
  keyFile: string;
}

/** Creates `<root>/certs` and `<root>/private` (mode 700). */
export async function makeCertificateFolders(root: string): Promise<CertificateFolders> {
  const folders = { certsDir: join(root, 'certs'), privateDir: join(root, 'private') };
  await mkdir(folders.certsDir, { recursive: true, mode: 0o755 });
  await mkdir(folders.privateDir, { recursive: true, mode: 0o700 });
  return folders;
}

/**
 * A self-signed RSA document-encryption certificate `<name>.pem` in `certsDir` and its key
 * `<name>.key` (PKCS#8 PEM, mode 600) in `privateDir`, like the admin guide sets them up.
 */
export async function makeCertificate(
  folders: CertificateFolders,
  name: string,
): Promise<TestCertificate> {
  const certFile = join(folders.certsDir, `${name}.pem`);
  const keyFile = join(folders.privateDir, `${name}.key`);
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '30',
    '-subj',
    `/CN=${name}/O=Tether tests`,
    '-addext',
    'keyUsage=keyEncipherment,dataEncipherment',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  await chmod(keyFile, 0o600);
  return { certFile, keyFile };
}

/** How `openssl cms -encrypt` is asked to seal. */
export interface SealOptions {
  padding?: 'pkcs1' | 'oaep';
  /** OAEP hash (also used for MGF1). */
  oaepHash?: 'sha1' | 'sha256';
  /** Name the recipient by subject key identifier instead of issuer and serial. */
  keyId?: boolean;
  cipher?: 'aes128' | 'aes256' | 'des3';
}

/** `openssl cms -encrypt … -outform PEM`: the credential as an administrator would seal it. */
export async function sealWithOpenssl(
  certFile: string,
  plaintext: string | Uint8Array,
  options: SealOptions = {},
): Promise<string> {
  const args = ['cms', '-encrypt', '-binary', `-${options.cipher ?? 'aes256'}`, '-outform', 'PEM'];
  if (options.keyId) args.push('-keyid');
  args.push('-recip', certFile);
  if (options.padding === 'oaep') {
    args.push('-keyopt', 'rsa_padding_mode:oaep');
    if (options.oaepHash) args.push('-keyopt', `rsa_oaep_md:${options.oaepHash}`);
  }
  const input = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  return (await openssl(args, input)).toString('utf8');
}

/**
 * A message in the format of PowerShell's `Protect-CmsMessage -To CERT -Content TEXT`: the
 * UTF-8 text wrapped in a DER OCTET STRING (as Windows' EnvelopedCms encrypts id-data), RSA
 * PKCS#1 v1.5 + AES-256-CBC, Base64 in 76-character CRLF lines between `-----BEGIN CMS-----`
 * and `-----END CMS-----`, without a final line end.
 */
export async function sealLikePowerShell(certFile: string, text: string): Promise<string> {
  const content = Buffer.from(text, 'utf8');
  const der = await openssl(
    ['cms', '-encrypt', '-binary', '-aes256', '-outform', 'DER', '-recip', certFile],
    Buffer.concat([derLength(0x04, content.length), content]),
  );
  const lines = der.toString('base64').match(/.{1,76}/g) ?? [];
  return `-----BEGIN CMS-----\r\n${lines.join('\r\n')}\r\n-----END CMS-----`;
}

function derLength(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}

/** Writes `text` to `file` with `mode`. */
export async function writeSecretFile(file: string, text: string, mode = 0o600): Promise<void> {
  await writeFile(file, text, { mode });
  await chmod(file, mode);
}

/**
 * The README's command exactly: `openssl cms -encrypt -aes256 -recip CERT` with the secret on
 * stdin and no other option, so its output is S/MIME (MIME headers and a Base64 body) and the
 * content is canonicalised to CRLF line ends (text mode).
 */
export async function sealLikeReadme(certFile: string, plaintext: string): Promise<string> {
  const output = await openssl(
    ['cms', '-encrypt', '-aes256', '-recip', certFile],
    Buffer.from(plaintext, 'utf8'),
  );
  return output.toString('utf8');
}
