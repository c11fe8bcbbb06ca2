import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  AppError,
  MAX_BUILD_UNPACKED_BYTES,
  MAX_BUILD_UPLOAD_BYTES,
  type AgentBuildInfo,
  type AgentBuildKey,
} from '@tether/protocol';
import { buildFolderName } from '../agent-packages/agent-builds-store.js';
import type { AgentBuild, AgentBuilds } from '../ports/agent-builds.js';
import { addBuildFromFolder } from './add-build.js';
import { buildRootOf, receiveUpload, unpackBuildArchive } from './build-archive.js';

/** The builds folder under the server's data directory (ports/agent-builds.ts). */
export function buildsRoot(dataDir: string): string {
  return join(dataDir, 'agent-builds');
}

/** What the console and API show of a build. */
export function buildInfo(build: AgentBuild): AgentBuildInfo {
  const { version, arch, source, bodyBytes, addedAt } = build;
  return { version, arch, source, bodyBytes, addedAt };
}

/**
 * Adds an uploaded agent build: the archive is streamed to a private staging folder under
 * the builds folder (size-capped), unpacked there (only files and folders, size-capped), checked
 * and stored by {@link addBuildFromFolder}, the same as `tether admin upgrades add-build`. The
 * build is listed only once whole; whatever fails, the staging folder goes and nothing changes.
 *
 * @example
 * const build = await addUploadedBuild({ dataDir, body: request.raw, replace: false, now: clock.now() });
 */
export async function addUploadedBuild(options: {
  dataDir: string;
  body: Readable;
  replace: boolean;
  now: Date;
  /** Caps (tests make them small); default the protocol's. */
  maxUploadBytes?: number;
  maxUnpackedBytes?: number;
}): Promise<AgentBuild> {
  const root = buildsRoot(options.dataDir);
  // A dot folder: the builds list reads only `<version>-linux-<arch>` folders with a build.json.
  const staging = join(root, `.upload-${randomBytes(8).toString('hex')}`);
  await mkdir(join(staging, 'unpacked'), { recursive: true, mode: 0o700 });
  try {
    const archive = join(staging, 'archive.tar.gz');
    await receiveUpload(options.body, archive, options.maxUploadBytes ?? MAX_BUILD_UPLOAD_BYTES);
    const unpacked = join(staging, 'unpacked');
    await unpackBuildArchive(
      archive,
      unpacked,
      options.maxUnpackedBytes ?? MAX_BUILD_UNPACKED_BYTES,
    );
    // The archive is no longer needed: free its disk before the body is written.
    await rm(archive, { force: true });
    return await addBuildFromFolder({
      root,
      dir: await buildRootOf(unpacked),
      now: options.now,
      replace: options.replace,
    }).catch((error: unknown) => {
      // Its messages name the staging path; the uploader knows the archive, not our folders.
      if (error instanceof AppError && error.code === 'INVALID_INPUT')
        throw new AppError(
          'INVALID_INPUT',
          error.message.replaceAll(`${unpacked}/`, '').replaceAll(unpacked, 'The archive'),
        );
      throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Deletes an uploaded build. The server's own build is remade from the installation and the
 * target build is what agents are being brought to: both stay (`CONFLICT`).
 *
 * @example
 * await removeUploadedBuild({ dataDir, builds, key: { version: '0.3.0', arch: 'x64' }, targetVersion });
 */
export async function removeUploadedBuild(options: {
  dataDir: string;
  builds: AgentBuilds;
  key: AgentBuildKey;
  targetVersion: string | undefined;
}): Promise<AgentBuild> {
  const { version, arch } = options.key;
  const build = await options.builds.find(version, arch);
  if (!build) throw new AppError('NOT_FOUND', `The server holds no agent ${version} for ${arch}.`);
  if (build.source === 'server')
    throw new AppError('CONFLICT', `${version} is the server's own build: it cannot be deleted.`);
  if (options.targetVersion === version)
    throw new AppError(
      'CONFLICT',
      `${version} is the upgrade target: choose another target version first, then delete it.`,
    );
  // Renamed away first: the build leaves the list at once, even if removing its files is slow.
  const folder = join(buildsRoot(options.dataDir), buildFolderName(version, arch));
  const doomed = `${folder}.making-removed-${randomBytes(4).toString('hex')}`;
  await rename(folder, doomed);
  await rm(doomed, { recursive: true, force: true });
  return build;
}
