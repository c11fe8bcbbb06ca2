import { createHash, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import {
  AGENT_PACKAGE_FILES,
  AppError,
  DEFAULT_INSTALLER_ATTRIBUTES,
  toBase64Url,
  type AgentPackageDownloads,
  type AgentPackageFile,
} from '@tether/protocol';
import type { InstallerConfig } from '@tether/protocol/agent-package';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { installerToken } from '../installers/installer-token.js';
import { toApiInstaller } from '../installers/installer-service.js';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { AgentBuilds } from '../ports/agent-builds.js';
import type { InstallerRecord, Store } from '../store/store.js';
import { packageExtras } from './package-parts.js';
import { createPackageFiles, type PackageFile, type PackageFileName } from './package-files.js';
import { shellQuote } from './package-scripts.js';
import { isLoopbackHost } from '../net/public-host.js';

const LABELS: Record<AgentPackageFile, string> = {
  'install.sh': 'Install script (what the one-liner runs)',
  'tether-agent.run': 'Self-extracting package (.run): sudo sh tether-agent.run',
  'tether-agent.deb': 'Debian package (.deb): sudo dpkg -i tether-agent.deb',
  'tether-agent.tar.gz': 'Archive (.tar.gz): unpack, then sudo ./tether-agent install',
};

/** Whether devices could not reach this address: it names this machine itself (or nothing). */
export function isLoopbackUrl(url: string): boolean {
  const { hostname } = new URL(url);
  return isLoopbackHost(hostname) || hostname === '0.0.0.0';
}

export interface AgentPackages {
  /** The one-liner and the files of an installer's package, with sizes and public links. */
  downloads(installerId: string): Promise<AgentPackageDownloads>;
  /** One file of an installer's package (signed-in download), audited. */
  open(installerId: string, file: AgentPackageFile, by: Downloader): Promise<PackageFile>;
  /** One file by its public link, audited; a wrong key is answered as an unknown installer. */
  openByLink(
    link: { installerId: string; key: string; file: AgentPackageFile },
    sourceAddress: string | null,
  ): Promise<PackageFile>;
  /**
   * The one-time agent of an ad-hoc session (A-14): the installer's `.run` whose header runs
   * `tether-agent support` (from the temporary folder, nothing installed) instead of `install`.
   * The caller checks the link and audits.
   */
  oneTimeAgent(installerId: string): Promise<PackageFile<'tether-support.run'>>;
  /** The shell command that downloads `url` to `fileName` (curl, pinned when self-signed). */
  downloadCommand(url: string, fileName: string): string;
}

/** Who downloads a package, for the audit log. */
export interface Downloader {
  actor: string;
  sourceAddress: string | null;
}

/**
 * The agent packages of installers (issue 14): per installer and format, made on each download
 * from the server's agent build, the installer's record and the server key. Nothing per
 * installer is stored: the token is made again from the record (the same token), and the
 * public link's key is derived from the installer and its expiry with the server key, so it
 * dies when the installer is revoked, expires or is extended.
 *
 * @example
 * const packages = createAgentPackages({ store, clock, identity, builds, dataDir, publicUrl, tlsPin });
 * const { oneLiner } = await packages.downloads(installerId);
 */
export function createAgentPackages(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  identity: ServerIdentity;
  builds: AgentBuilds;
  dataDir: string;
  publicUrl: () => string;
  /** curl's `sha256//…` of the server's TLS key when its certificate is self-signed. */
  tlsPin: () => string | undefined;
}): AgentPackages {
  const files = createPackageFiles({
    builds: deps.builds,
    cacheDir: join(deps.dataDir, 'agent-packages'),
  });

  const usableInstaller = async (id: string): Promise<InstallerRecord> => {
    const record = await deps.store.installers.find(id);
    if (!record) throw new AppError('NOT_FOUND', `No installer "${id}".`);
    if (record.revokedAt) {
      throw new AppError(
        'TOKEN_REVOKED',
        'This installer was deleted: its packages no longer download. Create a new installer.',
      );
    }
    if (record.expiresAt <= deps.clock.now()) {
      throw new AppError(
        'TOKEN_EXPIRED',
        `This installer expired at ${record.expiresAt.toISOString()}: extend it or create a new one to download its packages.`,
      );
    }
    return record;
  };

  const linkKey = (record: InstallerRecord): string => {
    const signature = deps.identity.sign(
      `tether-package-link.v1\n${record.id}\n${record.expiresAt.getTime()}`,
    );
    return toBase64Url(createHash('sha256').update(signature).digest()).slice(0, 32);
  };

  const linkBase = (record: InstallerRecord, serverUrl: string): string =>
    new URL(`/install/${record.id}/${linkKey(record)}/`, serverUrl).href;

  const configOf = (record: InstallerRecord): InstallerConfig => {
    const api = toApiInstaller(record);
    const attributes = api.attributes ?? { ...DEFAULT_INSTALLER_ATTRIBUTES, group: record.group };
    return {
      format: 1,
      installerId: record.id,
      serverUrl: attributes.publicSiteAddress ?? deps.publicUrl(),
      token: installerToken(record, deps.identity),
      attributes,
      overridable: api.overridable ?? [],
      expiresAt: record.expiresAt.toISOString(),
    };
  };

  const make = async <F extends PackageFileName>(
    record: InstallerRecord,
    file: F,
  ): Promise<PackageFile<F>> => {
    const build = await deps.builds.own();
    const config = configOf(record);
    return files.make(file, {
      build,
      extras: packageExtras({
        build,
        config,
        identity: deps.identity,
        createdAt: record.createdAt,
      }),
      origin: {
        version: build.version,
        arch: build.arch,
        serverUrl: config.serverUrl,
        installerId: record.id,
      },
      runUrl: `${linkBase(record, config.serverUrl)}tether-agent.run`,
      tlsPin: deps.tlsPin(),
    });
  };

  /** Packages carry the installer's token; install.sh only the link to the .run. */
  const recordDownload = async (
    installerId: string,
    file: AgentPackageFile,
    by: Downloader,
  ): Promise<void> => {
    if (file === 'install.sh') return;
    await deps.audit.record({
      action: 'installer.package_downloaded',
      actor: by.actor,
      target: installerId,
      sourceAddress: by.sourceAddress,
      details: { file },
    });
  };

  return {
    async downloads(installerId) {
      const record = await usableInstaller(installerId);
      const { serverUrl } = configOf(record);
      const base = linkBase(record, serverUrl);
      const made = await Promise.all(AGENT_PACKAGE_FILES.map((file) => make(record, file)));
      const build = await deps.builds.own();
      const pin = deps.tlsPin();
      const curl = pin ? `curl -fsSL -k --pinnedpubkey ${shellQuote(pin)}` : 'curl -fsSL';
      return {
        installerId: record.id,
        serverUrl,
        oneLiner: `${curl} ${shellQuote(`${base}install.sh`)} | sudo sh`,
        files: made.map((file) => ({
          file: file.file,
          label: LABELS[file.file],
          bytes: file.bytes,
          url: `${base}${file.file}`,
        })),
        version: build.version,
        arch: build.arch,
        expiresAt: record.expiresAt.toISOString(),
        ...(isLoopbackUrl(serverUrl) && {
          warning: `The packages point devices at ${serverUrl}, which is this server's own loopback address: other machines cannot reach it. Set the server's public address (admin console, or \`tether admin public-url\`) before installing on other machines.`,
        }),
      };
    },

    async open(installerId, file, by) {
      const made = await make(await usableInstaller(installerId), file);
      await recordDownload(installerId, file, by);
      return made;
    },

    async oneTimeAgent(installerId) {
      return make(await usableInstaller(installerId), 'tether-support.run');
    },

    downloadCommand(url, fileName) {
      const pin = deps.tlsPin();
      const curl = pin ? `curl -fsSL -k --pinnedpubkey ${shellQuote(pin)}` : 'curl -fsSL';
      return `${curl} -o ${shellQuote(fileName)} ${shellQuote(url)}`;
    },

    async openByLink({ installerId, key, file }, sourceAddress) {
      const record = await deps.store.installers.find(installerId);
      const isKnown =
        record !== undefined &&
        key.length === 32 &&
        timingSafeEqual(Buffer.from(linkKey(record)), Buffer.from(key));
      if (!isKnown) throw new AppError('NOT_FOUND', 'No package at this link: ask for a new one.');
      const made = await make(await usableInstaller(installerId), file);
      await recordDownload(installerId, file, { actor: 'public link', sourceAddress });
      return made;
    },
  };
}
