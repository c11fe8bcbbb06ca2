import { readFile } from 'node:fs/promises';
import { AppError } from '@tether/protocol/app-error';
import type { AgentImpact, TlsChangeRequest, TlsStatus } from '@tether/protocol';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

const HEADLESS = { username: 'system', via: 'headless' } as const;

function printStatus(status: TlsStatus, out: (line: string) => void): void {
  const { certificate, protocol } = status;
  out(`Certificate:      ${certificate.subject} (${certificate.source})`);
  out(`Issuer:           ${certificate.issuer}${certificate.selfSigned ? ' (self-signed)' : ''}`);
  out(`Names:            ${certificate.names.join(', ') || 'none'}`);
  out(
    `Valid:            ${certificate.validFrom} to ${certificate.validTo} (${certificate.daysLeft} days left)`,
  );
  out(`SHA-256:          ${certificate.fingerprintHex}`);
  out(`Key, chain:       ${certificate.keyType}, ${certificate.chainLength} certificate(s)`);
  out(`Minimum version:  ${protocol.minVersion}`);
  out(`Cipher suites:    ${protocol.ciphers}`);
  for (const warning of status.warnings) out(`Warning: ${warning}`);
}

function printAgents(agents: AgentImpact, out: (line: string) => void): void {
  out(
    agents.agentsKeepConnecting
      ? 'Agents: they keep connecting.'
      : 'Agents: THEY WOULD STOP CONNECTING.',
  );
  for (const reason of agents.reasons) out(`  ${reason}`);
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `Cannot read the ${what} ${path}: ${(error as Error).message}`,
    );
  }
}

/** The certificate the flags choose: PEM files, a PKCS#12 file, or unchanged. */
async function certificateChoice(input: CommandInput): Promise<TlsChangeRequest['certificate']> {
  const cert = stringOption(input, 'cert');
  const key = stringOption(input, 'key');
  const pkcs12 = stringOption(input, 'pkcs12');
  if (pkcs12 !== undefined) {
    if (cert !== undefined || key !== undefined)
      throw new AppError('INVALID_INPUT', 'Give either --pkcs12, or --cert and --key, not both.');
    const passphraseFile = stringOption(input, 'passphrase-file');
    const passphrase =
      passphraseFile === undefined
        ? ''
        : (await readText(passphraseFile, 'passphrase file')).replace(/\r?\n$/, '');
    const file = await readFile(pkcs12).catch((error: unknown) => {
      throw new AppError('INVALID_INPUT', `Cannot read ${pkcs12}: ${(error as Error).message}`);
    });
    return { source: 'pkcs12', pkcs12: file.toString('base64'), passphrase };
  }
  if (cert === undefined && key === undefined) return { source: 'unchanged' };
  if (cert === undefined || key === undefined)
    throw new AppError('INVALID_INPUT', 'Give both --cert (the chain, PEM) and --key (PEM).');
  return {
    source: 'pem',
    certificate: await readText(cert, 'certificate file'),
    key: await readText(key, 'key file'),
  };
}

async function change(
  input: CommandInput,
  certificate: TlsChangeRequest['certificate'],
): Promise<number> {
  const { changeTlsHeadless, readTlsHeadless } = await import('@tether/server');
  const config = await serverConfigFrom(input);
  const minVersion = stringOption(input, 'min-version');
  const ciphers = stringOption(input, 'ciphers');
  if (minVersion !== undefined && minVersion !== 'TLSv1.2' && minVersion !== 'TLSv1.3')
    throw new AppError('INVALID_INPUT', '--min-version must be TLSv1.2 or TLSv1.3.');
  const result = await withStore(config, async ({ store, audit }) => {
    const now = new Date();
    const current = await readTlsHeadless({ config, settings: store.settings, now });
    const protocol =
      minVersion === undefined && ciphers === undefined
        ? undefined
        : {
            minVersion: minVersion ?? current.protocol.minVersion,
            ciphers: ciphers ?? current.protocol.ciphers,
          };
    return changeTlsHeadless(
      {
        certificate,
        ...(protocol ? { protocol } : {}),
        acceptAgentImpact: input.values['accept-agent-impact'] === true,
      },
      { config, settings: store.settings, audit, now, actor: HEADLESS },
    );
  });
  for (const warning of result.warnings) input.out(`Warning: ${warning}`);
  printStatus(result.status, input.out);
  printAgents(result.agents, input.out);
  input.out('Saved. A running server applies it to new connections within a few seconds.');
  return 0;
}

const protocolOptions = {
  'min-version': { type: 'string' },
  ciphers: { type: 'string' },
  'accept-agent-impact': { type: 'boolean' },
} as const;

export const tlsShowCommand: Command = {
  name: 'admin tls show',
  summary: "Show the server's TLS certificate, its expiry, and the protocol settings.",
  usage: `tether admin tls show [--data-dir DIR] [--config FILE]

The certificate the listeners serve (uploaded, named in the configuration, or generated),
its names, validity and SHA-256 fingerprint, the minimum TLS version and the cipher suites.`,
  options: { ...dataDirOptions },
  async run(input) {
    const { readTlsHeadless } = await import('@tether/server');
    const config = await serverConfigFrom(input);
    const status = await withStore(config, ({ store }) =>
      readTlsHeadless({ config, settings: store.settings, now: new Date() }),
    );
    printStatus(status, input.out);
    return 0;
  },
};

export const tlsSetCommand: Command = {
  name: 'admin tls set',
  summary: 'Upload a TLS certificate (PEM or PKCS#12) and/or set the minimum version and ciphers.',
  usage: `tether admin tls set [--cert CHAIN.pem --key KEY.pem | --pkcs12 FILE.p12 [--passphrase-file FILE]]
                      [--min-version TLSv1.2|TLSv1.3] [--ciphers LIST] [--accept-agent-impact]
                      [--data-dir DIR] [--config FILE]

--cert holds the server certificate first, then its intermediates; --key its private key
(unencrypted PEM). A PKCS#12 file's passphrase is read from --passphrase-file (never a flag).
--ciphers is an OpenSSL list (TLS 1.2 names and TLS 1.3 TLS_* names, colon-separated).
The change is validated (key matches, not expired, chain in order, cipher names known) and
refused with nothing changed otherwise. Agents pin the server's signing key, not its
certificate, so they keep connecting; if a handshake like an agent's would fail with the new
settings, the change is refused unless --accept-agent-impact. A running server applies it to
new connections within a few seconds, without dropping agents or sessions. Audited.`,
  options: {
    ...dataDirOptions,
    cert: { type: 'string' },
    key: { type: 'string' },
    pkcs12: { type: 'string' },
    'passphrase-file': { type: 'string' },
    ...protocolOptions,
  },
  async run(input) {
    const certificate = await certificateChoice(input);
    if (
      certificate.source === 'unchanged' &&
      stringOption(input, 'min-version') === undefined &&
      stringOption(input, 'ciphers') === undefined
    )
      throw new AppError(
        'INVALID_INPUT',
        'Nothing to change: give --cert and --key, --pkcs12, --min-version or --ciphers. Run `tether admin tls set --help`.',
      );
    return change(input, certificate);
  },
};

export const tlsGenerateCommand: Command = {
  name: 'admin tls generate',
  summary: "Go back to the server's generated (self-signed) TLS certificate.",
  usage: `tether admin tls generate [--min-version TLSv1.2|TLSv1.3] [--ciphers LIST] [--data-dir DIR] [--config FILE]

Removes the uploaded certificate; the server serves its generated one (made if needed).
A running server applies it to new connections within a few seconds. Audited.`,
  options: { ...dataDirOptions, ...protocolOptions },
  run: (input) => change(input, { source: 'generated' }),
};

/** `tether admin tls …` (S-5). */
export const tlsCommands: Command[] = [tlsShowCommand, tlsSetCommand, tlsGenerateCommand];
