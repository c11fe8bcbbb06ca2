import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { z } from 'zod';
import { Sha256Hex } from '@tether/protocol/agent-package';
import { TETHER_VERSION } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { AgentBuild, AgentBuilds } from '../ports/agent-builds.js';
import {
  installedBuildInputs,
  ownBuildSources,
  type BuildSource,
  type OwnBuildInputs,
} from './own-build-sources.js';
import { ENTRY_MTIME_SEC, ustarDirectory, ustarHeader, ustarPadding } from './ustar.js';

const BuildRecord = z.object({
  version: z.string().min(1).max(64),
  platform: z.literal('linux'),
  arch: z.string().min(1).max(16),
  source: z.enum(['server', 'upload']),
  files: z.record(z.string(), Sha256Hex),
  bodyBytes: z.int().nonnegative(),
  addedAt: z.string(),
});

/**
 * What the own build was made from (each file's path, source, size and time): a server
 * restarted on the same installation reuses its build; a rebuilt agent bundle makes a new one.
 */
const ORIGIN_FILE = 'origin.sha256';

async function originOf(sources: BuildSource[]): Promise<string> {
  const hash = createHash('sha256');
  for (const source of sources) {
    const { size, mtimeMs } = await stat(source.from);
    hash.update(JSON.stringify([source.path, source.from, source.mode, size, mtimeMs]));
  }
  return hash.digest('hex');
}

/** `<version>-linux-<arch>`: one folder per build under `<dataDir>/agent-builds`. */
export function buildFolderName(version: string, arch: string): string {
  return `${version}-linux-${arch}`;
}

/** The parent folders of each path, each once, parents first (tar and dpkg want them). */
function directoriesOf(paths: string[]): string[] {
  const seen = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let depth = 1; depth < parts.length; depth += 1) seen.add(parts.slice(0, depth).join('/'));
  }
  return [...seen].sort();
}

/**
 * Writes a build's body: the tar entries of its files through gzip into `output`, hashing each
 * file as it streams (one file in memory at a time, by chunks). Returns path → SHA-256.
 */
export async function writeBuildBody(
  sources: BuildSource[],
  output: NodeJS.WritableStream,
): Promise<Record<string, string>> {
  const tar = new PassThrough();
  const gzip = createGzip({ level: 6 });
  const written = pipeline(tar, gzip, output);
  const files: Record<string, string> = {};
  const write = async (chunk: Buffer): Promise<void> => {
    if (!tar.write(chunk)) await new Promise((resolve) => tar.once('drain', resolve));
  };
  for (const directory of directoriesOf(sources.map((source) => source.path))) {
    await write(ustarDirectory(directory));
  }
  for (const source of sources) {
    const { size } = await stat(source.from);
    await write(
      ustarHeader({
        path: source.path,
        type: 'file',
        mode: source.mode,
        size,
        mtimeSec: ENTRY_MTIME_SEC,
      }),
    );
    const hash = createHash('sha256');
    let seen = 0;
    for await (const chunk of createReadStream(source.from)) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      seen += bytes.length;
      await write(bytes);
    }
    if (seen !== size) throw new Error(`${source.from} changed while the agent build was made.`);
    await write(ustarPadding(size));
    files[source.path] = hash.digest('hex');
  }
  tar.end();
  await written;
  return files;
}

/**
 * The agent builds on disk (ports/agent-builds.ts): the server's own, assembled once from the
 * installation it runs from and kept until its version changes, and any uploaded ones.
 *
 * @example
 * const builds = createAgentBuilds({ dataDir, clock, log });
 * const build = await builds.own(); // seconds the first time: ~100 MiB read, gzip'd
 */
export function createAgentBuilds(deps: {
  dataDir: string;
  clock: Clock;
  log: Logger;
  /** The server's version (tests make other ones). */
  version?: string;
  /** Where the own build's parts come from; default: this installation. */
  inputs?: () => OwnBuildInputs;
}): AgentBuilds {
  const root = join(deps.dataDir, 'agent-builds');
  const version = deps.version ?? TETHER_VERSION;
  let assembling: Promise<AgentBuild> | undefined;

  const read = async (folder: string): Promise<AgentBuild | undefined> => {
    try {
      const text = await readFile(join(root, folder, 'build.json'), 'utf8');
      return BuildRecord.parse(JSON.parse(text));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      deps.log.warn({ err: error, folder }, 'ignoring an unreadable agent build');
      return undefined;
    }
  };

  const assemble = async (sources: BuildSource[], origin: string): Promise<AgentBuild> => {
    const folder = join(root, buildFolderName(version, process.arch));
    // Made beside, then renamed: a crash half-way leaves no build that looks whole.
    const making = `${folder}.making-${process.pid}`;
    await rm(making, { recursive: true, force: true });
    await mkdir(making, { recursive: true, mode: 0o700 });
    const started = Date.now();
    const files = await writeBuildBody(sources, createWriteStream(join(making, 'body.tar.gz')));
    const build: AgentBuild = {
      version,
      platform: 'linux',
      arch: process.arch,
      source: 'server',
      files,
      bodyBytes: (await stat(join(making, 'body.tar.gz'))).size,
      addedAt: deps.clock.now().toISOString(),
    };
    await writeFile(join(making, 'build.json'), `${JSON.stringify(build, null, 2)}\n`);
    await writeFile(join(making, ORIGIN_FILE), origin);
    await rm(folder, { recursive: true, force: true });
    await rename(making, folder);
    deps.log.info(
      { version, bytes: build.bodyBytes, files: sources.length, ms: Date.now() - started },
      'assembled the agent build devices install',
    );
    return build;
  };

  /** The saved own build when it was made from these very files, else a new one. */
  const ownBuild = async (): Promise<AgentBuild> => {
    const sources = await ownBuildSources(version, deps.inputs?.() ?? installedBuildInputs());
    const origin = await originOf(sources);
    const folder = buildFolderName(version, process.arch);
    const existing = await read(folder);
    const savedOrigin = await readFile(join(root, folder, ORIGIN_FILE), 'utf8').catch(() => '');
    if (existing?.source === 'server' && savedOrigin === origin) return existing;
    return assemble(sources, origin);
  };

  return {
    own() {
      assembling ??= ownBuild();
      // A failed assembly is tried again at the next call, not remembered.
      assembling.catch(() => {
        assembling = undefined;
      });
      return assembling;
    },

    find(wanted, arch = process.arch) {
      return read(buildFolderName(wanted, arch));
    },

    async list() {
      let folders: string[];
      try {
        folders = await readdir(root);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const builds = await Promise.all(
        folders.filter((folder) => !folder.includes('.making-')).map(read),
      );
      return builds
        .filter((build) => build !== undefined)
        .sort((a, b) => b.addedAt.localeCompare(a.addedAt));
    },

    openBody(build): Readable {
      return createReadStream(
        join(root, buildFolderName(build.version, build.arch), 'body.tar.gz'),
      );
    },
  };
}
