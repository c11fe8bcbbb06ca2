import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, parseEnrollmentToken } from '@tether/protocol/agent';
import {
  InstallerConfig,
  PACKAGE_LAYOUT,
  PackageManifest,
  packageSigningInput,
} from '@tether/protocol/agent-package';
import { serverKeyHash, verifyText } from '../identity/ed25519.js';
import { sha256File } from '../platform/file-hash.js';
import { INSTALL_RECORD } from './install-record.js';

/** A package whose signature and every file were checked. */
export interface VerifiedPackage {
  dir: string;
  config: InstallerConfig;
  manifest: PackageManifest;
  /** `versions/<v>`, relative to the package. */
  versionDir: string;
}

const UNSIGNED = new Set<string>([PACKAGE_LAYOUT.manifest, PACKAGE_LAYOUT.signature]);
/**
 * What an install adds beside a package unpacked in place (the .deb): not part of the
 * package, so a second run reaches "already installed" instead of "not intact".
 */
const INSTALLED = new Set<string>([PACKAGE_LAYOUT.current, INSTALL_RECORD]);

function notIntact(why: string): AppError {
  return new AppError(
    'AUTH_FAILED',
    `The package is not intact: ${why}. Nothing was installed. Download the package again from your Tether server; if this happens again, the file was altered on its way: tell your administrator.`,
  );
}

async function readText(dir: string, name: string): Promise<string> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      `${join(dir, name)} is missing: ${dir} is not an unpacked Tether agent package. Run the installer from the package's folder, or give it with --package-dir.`,
    );
  }
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw notIntact(`${name} is not JSON`);
  }
}

/** Every regular file under `dir`, as `/`-separated relative paths; links are refused. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    if (!prefix && INSTALLED.has(entry.name)) continue;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, path)));
    else if (entry.isFile()) files.push(path);
    else throw notIntact(`${path} is not a regular file`);
  }
  return files;
}

/**
 * Checks a signed folder against the server key pinned by `keyHash` (base64url SHA-256 of the
 * raw key): the manifest's signer hashes to the pin, its signature over manifest.json holds,
 * every listed file has its SHA-256, none is missing, none is added, no links, and it holds
 * only the manifest's version. For packages (the pin from the installer's token) and, the same
 * way, for upgrade builds (the pin the agent enrolled with).
 *
 * @example
 * const manifest = await verifySignedFolder(dir, { keyHash: config.serverKeyHash, signer: 'your server' });
 */
export async function verifySignedFolder(
  dir: string,
  pin: { keyHash: string; signer: string },
): Promise<PackageManifest> {
  const manifestText = await readText(dir, PACKAGE_LAYOUT.manifest);
  const signature = (await readText(dir, PACKAGE_LAYOUT.signature)).trim();
  const manifest = PackageManifest.safeParse(parseJson(manifestText, PACKAGE_LAYOUT.manifest));
  if (!manifest.success) throw notIntact(`${PACKAGE_LAYOUT.manifest} is not a package manifest`);
  if (serverKeyHash(manifest.data.signer) !== pin.keyHash) {
    throw notIntact(`it was signed by a key that is not ${pin.signer}`);
  }
  if (!verifyText(manifest.data.signer, packageSigningInput(manifestText), signature)) {
    throw notIntact('the signature of its manifest does not hold');
  }
  const listed = manifest.data.files;
  const present = (await listFiles(dir)).filter((path) => !UNSIGNED.has(path));
  const extra = present.filter((path) => !Object.hasOwn(listed, path));
  if (extra.length > 0) throw notIntact(`${extra.slice(0, 3).join(', ')} is not in its manifest`);
  const versionDir = `${PACKAGE_LAYOUT.versionsDir}/${manifest.data.version}`;
  const others = present.filter(
    (path) =>
      path.startsWith(`${PACKAGE_LAYOUT.versionsDir}/`) && !path.startsWith(`${versionDir}/`),
  );
  if (others.length > 0) throw notIntact(`it holds a version other than ${manifest.data.version}`);
  const isPresent = new Set(present);
  for (const [path, expected] of Object.entries(listed)) {
    if (!isPresent.has(path)) throw notIntact(`${path} is missing`);
    if ((await sha256File(join(dir, path))) !== expected) {
      throw notIntact(`${path} differs from the file the server signed`);
    }
  }
  return manifest.data;
}

/**
 * Checks a package before anything is installed: its folder is signed by the server key the
 * installer's token pins ({@link verifySignedFolder}). Throws an `AppError` that says which
 * check failed.
 *
 * @example
 * const { config, versionDir } = await verifyPackage('/tmp/tether-agent.XXXX');
 */
export async function verifyPackage(dir: string): Promise<VerifiedPackage> {
  const configText = await readText(dir, PACKAGE_LAYOUT.installerConfig);
  const config = InstallerConfig.safeParse(parseJson(configText, PACKAGE_LAYOUT.installerConfig));
  if (!config.success) throw notIntact(`${PACKAGE_LAYOUT.installerConfig} is not an installer`);
  const token = parseEnrollmentToken(config.data.token);
  if (!token) throw notIntact('the installer token is malformed');
  const manifest = await verifySignedFolder(dir, {
    keyHash: token.claims.serverKeyHash,
    signer: 'the server key its installer token names',
  });
  const versionDir = `${PACKAGE_LAYOUT.versionsDir}/${manifest.version}`;
  return { dir, config: config.data, manifest, versionDir };
}
