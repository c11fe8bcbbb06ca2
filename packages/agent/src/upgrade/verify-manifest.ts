import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@tether/protocol/agent';
import {
  PACKAGE_LAYOUT,
  PackageManifest,
  packageSigningInput,
} from '@tether/protocol/agent-package';
import { verifyText } from '../identity/ed25519.js';
import { sha256File } from '../platform/file-hash.js';

/**
 * Checks an offered build's manifest: signed by the PINNED server key (the signer named
 * inside must be that key too), for this version, platform and architecture, and naming only
 * the launcher and files of `versions/<version>/`. Throws `AppError('AUTH_FAILED')` for a
 * signature that does not verify, `INVALID_INPUT` for anything else wrong.
 *
 * @example
 * const manifest = verifyUpgradeManifest({ text, signature, pinnedKey, version });
 */
export function verifyUpgradeManifest(options: {
  text: string;
  signature: string;
  pinnedKey: string;
  version: string;
}): PackageManifest {
  const { text, signature, pinnedKey, version } = options;
  if (!verifyText(pinnedKey, packageSigningInput(text), signature))
    throw new AppError(
      'AUTH_FAILED',
      'The offered build is not signed by the server key this agent pins; refused.',
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('INVALID_INPUT', 'The offered manifest is not JSON.');
  }
  const parsed = PackageManifest.safeParse(json);
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'The offered manifest is malformed.');
  const manifest = parsed.data;
  if (manifest.signer !== pinnedKey)
    throw new AppError('AUTH_FAILED', 'The manifest names another signer than the pinned key.');
  if (manifest.version !== version)
    throw new AppError('INVALID_INPUT', `The manifest is of ${manifest.version}, not ${version}.`);
  if (manifest.platform !== process.platform || manifest.arch !== process.arch)
    throw new AppError(
      'INVALID_INPUT',
      `The build is for ${manifest.platform}/${manifest.arch}; this device is ${process.platform}/${process.arch}.`,
    );
  const versionDir = `${PACKAGE_LAYOUT.versionsDir}/${version}/`;
  for (const path of Object.keys(manifest.files)) {
    const isInside =
      path === PACKAGE_LAYOUT.launcher ||
      (path.startsWith(versionDir) && !path.split('/').some((part) => part === '..' || !part));
    if (!isInside) throw new AppError('INVALID_INPUT', `The manifest names a stray file: ${path}.`);
  }
  return manifest;
}

/**
 * Checks an unpacked build against its manifest: every listed file present with its SHA-256,
 * nothing else (no unlisted file, no link, no device). Throws `AppError('INVALID_INPUT')`
 * naming the first difference.
 */
export async function verifyUnpackedFiles(root: string, manifest: PackageManifest): Promise<void> {
  const expected = new Map(Object.entries(manifest.files));
  for (const path of await walk(root, '')) {
    const hash = expected.get(path);
    if (hash === undefined)
      throw new AppError(
        'INVALID_INPUT',
        `The build holds a file its manifest does not list: ${path}.`,
      );
    if ((await sha256File(join(root, path))) !== hash)
      throw new AppError(
        'INVALID_INPUT',
        `A file of the build does not match its manifest: ${path}.`,
      );
    expected.delete(path);
  }
  const [missing] = expected.keys();
  if (missing !== undefined)
    throw new AppError(
      'INVALID_INPUT',
      `A file of the manifest is missing from the build: ${missing}.`,
    );
}

/** Relative paths of the regular files under `dir`; anything but files and folders is refused. */
async function walk(root: string, prefix: string): Promise<string[]> {
  const paths: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) paths.push(...(await walk(root, path)));
    else if (entry.isFile() && (await lstat(join(root, path))).isFile()) paths.push(path);
    else throw new AppError('INVALID_INPUT', `The build holds something not a file: ${path}.`);
  }
  return paths;
}
