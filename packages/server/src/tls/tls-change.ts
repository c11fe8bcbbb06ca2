import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  AppError,
  TlsProtocolSettings,
  type CertificateChoice,
  type CertificateSummary,
} from '@tether/protocol';
import type { ServerConfig } from '../config/config.js';
import { readIfExists, writeSecretFile } from '../keys/files.js';
import { loadSecretBox } from '../keys/secret-box.js';
import { UPLOADED_TLS_FILE, loadTlsMaterial, type TlsMaterial } from '../keys/tls.js';
import type { SettingsRepository } from '../store/store.js';
import {
  checkCertificatePair,
  readChain,
  summarize,
  type CertificatePair,
} from './certificate-check.js';
import { checkProtocolSettings } from './protocol-check.js';

const SETTINGS_KEY = 'tls';
/** What the uploaded certificate's sealed copy is bound to in the secret box. */
const UPLOADED_CONTEXT = 'tls:uploaded';

/**
 * What the store holds of the TLS settings: protocol overrides of the configuration file, a
 * revision a running server watches, so a headless `tether admin tls set` applies without
 * restart, and the uploaded key and chain every node of a cluster must serve, sealed with
 * the secret box the nodes share: null when none is uploaded; absent when saved before nodes
 * shared it (each node's file is then left as it is).
 */
const StoredTls = z.object({
  protocol: TlsProtocolSettings.optional(),
  revision: z.int().default(0),
  uploaded: z.string().nullable().optional(),
});
type StoredTls = z.infer<typeof StoredTls>;

async function readStored(settings: SettingsRepository): Promise<StoredTls> {
  const parsed = StoredTls.safeParse((await settings.get(SETTINGS_KEY)) ?? {});
  return parsed.success ? parsed.data : { revision: 0 };
}

/** The revision of the stored TLS settings: it changes with every saved change. */
export async function tlsRevision(settings: SettingsRepository): Promise<number> {
  return (await readStored(settings)).revision;
}

/** The protocol settings in force: the administrator's, else the configuration file's. */
export async function effectiveProtocol(
  settings: SettingsRepository,
  config: ServerConfig,
): Promise<TlsProtocolSettings> {
  return (
    (await readStored(settings)).protocol ?? {
      minVersion: config.tls.minVersion,
      ciphers: config.tls.ciphers,
    }
  );
}

/** Where the server's keys live. */
export function keysDirOf(config: ServerConfig): string {
  return join(config.dataDir, 'keys');
}

/** The certificate the listeners serve, as the data directory and configuration say now. */
export function loadServedMaterial(config: ServerConfig): Promise<TlsMaterial> {
  return loadTlsMaterial({
    keysDir: keysDirOf(config),
    certFile: config.tls.certFile,
    keyFile: config.tls.keyFile,
  });
}

/** A validated change, ready to save: the pair to serve (the current one when unchanged) and protocol. */
export interface PreparedChange {
  choice: CertificateChoice['source'];
  pair: CertificatePair;
  summary: CertificateSummary;
  protocol: TlsProtocolSettings;
  warnings: string[];
  isCertificateChanged: boolean;
}

async function choosePair(
  choice: CertificateChoice,
  options: { config: ServerConfig; current: TlsMaterial; now: Date; publicHost: string },
): Promise<{ pair: CertificatePair; source: CertificateSummary['source']; warnings: string[] }> {
  const check = (pair: CertificatePair): ReturnType<typeof checkCertificatePair> =>
    checkCertificatePair(pair, { now: options.now, publicHost: options.publicHost });
  switch (choice.source) {
    case 'pem':
      return {
        ...withWarnings(check({ chain: choice.certificate, key: choice.key })),
        source: 'uploaded',
      };
    case 'pkcs12': {
      const { pairFromPkcs12 } = await import('./pkcs12.js');
      const file = Buffer.from(choice.pkcs12, 'base64');
      return {
        ...withWarnings(check(await pairFromPkcs12(file, choice.passphrase))),
        source: 'uploaded',
      };
    }
    case 'generated': {
      const generated = await loadTlsMaterial({
        keysDir: keysDirOf(options.config),
        ignoreUploaded: true,
      });
      return {
        pair: { chain: generated.cert, key: generated.key },
        source: 'generated',
        warnings: [],
      };
    }
    case 'unchanged':
      return {
        pair: { chain: options.current.cert, key: options.current.key },
        source: options.current.source,
        warnings: [],
      };
  }
}

function withWarnings(checked: ReturnType<typeof checkCertificatePair>): {
  pair: CertificatePair;
  warnings: string[];
} {
  return { pair: { chain: checked.chain, key: checked.key }, warnings: checked.warnings };
}

/**
 * Validates a change without storing anything (S-5): the certificate and key (PEM or PKCS#12),
 * or the generated pair, and the protocol settings. Throws `INVALID_INPUT` with the reason.
 *
 * @example
 * const prepared = await prepareTlsChange(request, { config, current, settings, now, publicUrl });
 */
export async function prepareTlsChange(
  request: { certificate: CertificateChoice; protocol?: TlsProtocolSettings | undefined },
  options: {
    config: ServerConfig;
    settings: SettingsRepository;
    current: TlsMaterial;
    now: Date;
    publicUrl: string;
  },
): Promise<PreparedChange> {
  const protocol = checkProtocolSettings(
    request.protocol ?? (await effectiveProtocol(options.settings, options.config)),
  );
  if (request.certificate.source === 'generated' && options.config.tls.certFile) {
    throw new AppError(
      'INVALID_INPUT',
      `The configuration names a certificate (tls.certFile ${options.config.tls.certFile}), which the server serves whenever no certificate is uploaded: remove tls.certFile and tls.keyFile from the configuration to go back to the generated one.`,
    );
  }
  const publicHost = new URL(options.publicUrl).hostname;
  const chosen = await choosePair(request.certificate, { ...options, publicHost });
  const chain = readChain(chosen.pair.chain);
  const summary = { ...summarize(chain, options.now), source: chosen.source };
  return {
    choice: request.certificate.source,
    pair: chosen.pair,
    summary,
    protocol,
    warnings: chosen.warnings,
    isCertificateChanged: summary.fingerprint !== options.current.fingerprint,
  };
}

/**
 * Stores a prepared change: the uploaded pair in the keys folder (mode 0600, one file, written
 * atomically), or its removal for the generated pair; the protocol settings and a new revision
 * in the store. The caller applies it to the listeners (or a running server sees the revision).
 *
 * @example
 * await saveTlsChange(prepared, { config, settings: store.settings });
 */
export async function saveTlsChange(
  prepared: PreparedChange,
  options: { config: ServerConfig; settings: SettingsRepository },
): Promise<void> {
  const keysDir = keysDirOf(options.config);
  const file = join(keysDir, UPLOADED_TLS_FILE);
  const stored = await readStored(options.settings);
  let uploaded = stored.uploaded;
  if (prepared.choice === 'pem' || prepared.choice === 'pkcs12') {
    const pem = `${prepared.pair.key}${prepared.pair.chain}`;
    await writeSecretFile(file, pem);
    uploaded = (await loadSecretBox(keysDir)).seal(pem, UPLOADED_CONTEXT);
  } else if (prepared.choice === 'generated') {
    await rm(file, { force: true });
    uploaded = null;
  }
  await options.settings.set(SETTINGS_KEY, {
    protocol: prepared.protocol,
    revision: stored.revision + 1,
    ...(uploaded === undefined ? {} : { uploaded }),
  });
}

/**
 * Makes this node's uploaded-certificate file what the shared settings say (a change saved on
 * another node of the cluster); returns whether it changed. The listeners load it next.
 */
export async function takeUploadedCertificate(
  config: ServerConfig,
  settings: SettingsRepository,
): Promise<boolean> {
  const { uploaded } = await readStored(settings);
  if (uploaded === undefined) return false;
  const keysDir = keysDirOf(config);
  const file = join(keysDir, UPLOADED_TLS_FILE);
  const onDisk = await readIfExists(file);
  if (uploaded === null) {
    if (onDisk === undefined) return false;
    await rm(file, { force: true });
    return true;
  }
  const pem = (await loadSecretBox(keysDir)).open(uploaded, UPLOADED_CONTEXT);
  if (pem === onDisk) return false;
  await writeSecretFile(file, pem);
  return true;
}
