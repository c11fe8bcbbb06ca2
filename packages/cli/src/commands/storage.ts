import { readFile } from 'node:fs/promises';
import { AppError } from '@tether/protocol/app-error';
import { requireOption, stringOption, type Command } from '../command.js';
import { readStdin } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

async function readFileOrExplain(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `Cannot read the ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
}

export const storageSealCommand: Command = {
  name: 'storage seal',
  summary:
    'Seal an SFTP password or private key to a certificate (CMS), for the custom storage policy.',
  usage: `tether storage seal --cert FILE (--password-stdin | --key-file FILE)

Prints a CMS message (-----BEGIN CMS-----) that only the holder of the certificate's private
key can open: paste it as the credential of the "upload recordings to custom storage" policy
setting. Same format as PowerShell's Protect-CmsMessage and openssl cms -encrypt.

  --cert FILE         the certificate (PEM) whose key is on the uploading server, in
                      /etc/tether/ssl/certs (key of the same base name in /etc/tether/ssl/private)
  --password-stdin    read the SFTP password from standard input (one line)
  --key-file FILE     seal this SFTP private key (OpenSSH or PEM, without passphrase)`,
  options: {
    cert: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    'key-file': { type: 'string' },
  },
  async run(input) {
    const certFile = requireOption(input, 'cert', 'storage seal');
    const keyFile = stringOption(input, 'key-file');
    const fromStdin = input.values['password-stdin'] === true;
    if (fromStdin === (keyFile !== undefined)) {
      throw new AppError(
        'INVALID_INPUT',
        'Give exactly one of --password-stdin or --key-file. Run `tether storage seal --help` for usage.',
      );
    }
    const certificate = (await readFileOrExplain(certFile, 'certificate')).toString('utf8');
    const secret = keyFile
      ? await readFileOrExplain(keyFile, 'key file')
      : Buffer.from(await readStdin(), 'utf8');
    if (secret.length === 0)
      throw new AppError('INVALID_INPUT', 'There is nothing to seal: the input is empty.');
    const { sealCredential } = await import('@tether/server');
    try {
      process.stdout.write(await sealCredential(certificate, secret));
    } finally {
      secret.fill(0);
    }
    return 0;
  },
};

export const storageTestCommand: Command = {
  name: 'storage test',
  summary:
    'Check a custom storage setting from this server: credential, login, and a test upload done the way recordings are uploaded.',
  usage: `tether storage test --url sftp://user@host:port/path --host-key SHA256:… --authentication password|publicKey --credential-file FILE [--config FILE]

Opens the sealed credential with this server's certificates (storage.certsDir and
storage.privateDir of the configuration), checks that it fits --authentication (a private key
is never sent as a password), checks the SFTP server's host key against --host-key, signs in
and uploads a test file exactly as recordings are uploaded (this month's folder, .part,
SHA-256 read-back, rename), then deletes it. It says when uploads will go into the folder
itself (the account may not create folders) or be verified by size only (the account may not
read files back). Without --host-key nothing is sent: the command prints the fingerprint the
server presents, to confirm and pin.`,
  options: {
    ...dataDirOptions,
    url: { type: 'string' },
    'host-key': { type: 'string' },
    authentication: { type: 'string' },
    'credential-file': { type: 'string' },
  },
  async run(input) {
    const config = await serverConfigFrom(input);
    const { CustomStorage } = await import('../schemas.js');
    const parsed = CustomStorage.safeParse({
      url: requireOption(input, 'url', 'storage test'),
      ...(stringOption(input, 'host-key') ? { hostKey: stringOption(input, 'host-key') } : {}),
      authentication: stringOption(input, 'authentication') ?? 'password',
      credential: (
        await readFileOrExplain(
          requireOption(input, 'credential-file', 'storage test'),
          'credential file',
        )
      ).toString('utf8'),
    });
    if (!parsed.success) {
      throw new AppError(
        'INVALID_INPUT',
        `Invalid storage setting: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}.`,
      );
    }
    const { createStorageConnector } = await import('@tether/server');
    const result = await createStorageConnector({ folders: config.storage }).test(parsed.data);
    input.out(`OK: ${result.message}`);
    return 0;
  },
};

/** `tether storage …` */
export const storageCommands: Command[] = [storageSealCommand, storageTestCommand];
