import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  PACKAGE_LAYOUT,
  packageSigningInput,
  type InstallerConfig,
  type PackageManifest,
} from '@tether/protocol/agent-package';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { AgentBuild } from '../ports/agent-builds.js';
import { END_OF_ARCHIVE, ustarFile } from './ustar.js';

/** The README every package carries (it is in the manifest like every other file). */
export const README_FILE = 'README.txt';

function readme(config: InstallerConfig, version: string): string {
  return `Tether agent ${version} for ${config.serverUrl}

This folder installs the Tether agent on this Linux machine. It needs nothing else: the
agent runs on the Node runtime inside (versions/${version}/runtime/node).

Install as a system service (the usual way):

    sudo ./tether-agent install

Options (each also works as KEY=value, e.g. JC_TAG=web, or as a JC_* environment variable):
    --silent            no progress lines
    --no-start          install and enrol, but do not start the service
    --mode user         run in your session only (no root needed)
    --install-dir DIR   where the agent goes (default /opt/tether-agent)
    --jc-tag NAME, --jc-name NAME, --jc-comments TEXT, ...  installer attributes, where the
                        installer allows overriding them

Every file here is listed with its SHA-256 in manifest.json, signed by the server's key
(manifest.sig); the installer refuses to install a package that was changed.
Run ./tether-agent install --help for everything.
`;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The files a package adds to its build, in the order they are written. */
export interface PackageExtras {
  files: { path: string; content: Buffer }[];
  manifest: PackageManifest;
}

/**
 * A package's own files: installer.json, the README, and manifest.json + manifest.sig covering
 * them and every file of the build. Same inputs, same bytes (Ed25519 is deterministic).
 *
 * @example
 * const extras = packageExtras({ build, config, identity, createdAt: record.createdAt });
 */
export function packageExtras(input: {
  build: AgentBuild;
  config: InstallerConfig;
  identity: ServerIdentity;
  createdAt: Date;
}): PackageExtras {
  const installerJson = Buffer.from(`${JSON.stringify(input.config, null, 2)}\n`);
  const readmeText = Buffer.from(readme(input.config, input.build.version));
  const manifest: PackageManifest = {
    format: 1,
    version: input.build.version,
    platform: 'linux',
    arch: input.build.arch,
    files: {
      ...input.build.files,
      [PACKAGE_LAYOUT.installerConfig]: sha256(installerJson),
      [README_FILE]: sha256(readmeText),
    },
    signer: input.identity.publicKey,
    createdAt: input.createdAt.toISOString(),
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const signature = input.identity.sign(packageSigningInput(manifestText));
  return {
    manifest,
    files: [
      { path: PACKAGE_LAYOUT.installerConfig, content: installerJson },
      { path: README_FILE, content: readmeText },
      { path: PACKAGE_LAYOUT.manifest, content: Buffer.from(manifestText) },
      { path: PACKAGE_LAYOUT.signature, content: Buffer.from(signature) },
    ],
  };
}

/**
 * The gzip member that ends a package's tar: the extras (under `prefix` when given) and the
 * end-of-archive blocks. Appended to a build body, it makes a whole `.tar.gz`.
 */
export function packageTail(extras: PackageExtras, prefix = ''): Buffer {
  const entries = extras.files.map((file) =>
    ustarFile(prefix === '' ? file.path : `${prefix}/${file.path}`, file.content),
  );
  return gzipSync(Buffer.concat([...entries, END_OF_ARCHIVE]));
}
