import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '@tether/protocol';
import { PACKAGE_LAYOUT } from '@tether/protocol/agent-package';
import type { AgentBuild } from '../ports/agent-builds.js';
import { buildFolderName, writeBuildBody } from '../agent-packages/agent-builds-store.js';

/** ELF `e_machine` → Node's `process.arch`, for the runtimes Tether ships. */
const ELF_ARCH: Record<number, string> = { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm' };

/** The architecture of an ELF executable (the build's Node runtime). */
async function elfArch(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { buffer } = await file.read(Buffer.alloc(20), 0, 20, 0);
    const isElf = buffer.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    const arch = isElf ? ELF_ARCH[buffer.readUInt16LE(18)] : undefined;
    if (!arch)
      throw new AppError('INVALID_INPUT', `${path} is not a Linux Node runtime Tether knows.`);
    return arch;
  } finally {
    await file.close();
  }
}

/** Who made the build stored in `folder` (`server`, `upload`), or undefined when none is. */
async function sourceOf(folder: string): Promise<string | undefined> {
  const text = await readFile(join(folder, 'build.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = z.object({ source: z.string() }).safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.source : 'unknown';
  } catch {
    return 'unknown'; // a damaged build.json: a folder is there all the same
  }
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else if (entry.isFile()) files.push(path);
    else throw new AppError('INVALID_INPUT', `A build holds files and folders only: ${path}.`);
  }
  return files;
}

/**
 * Adds a build to the server's builds from an unpacked package or install folder: the
 * launcher and exactly one `versions/<version>/` with its runtime and app. The body is written
 * streaming, by the same writer as the server's own build (no end-of-archive, gzip).
 *
 * @example
 * const build = await addBuildFromFolder({ root: join(dataDir, 'agent-builds'), dir: '/tmp/tether-agent', now: new Date() });
 */
export async function addBuildFromFolder(options: {
  root: string;
  dir: string;
  now: Date;
  replace?: boolean;
}): Promise<AgentBuild> {
  const { root, dir } = options;
  const versions = await readdir(join(dir, PACKAGE_LAYOUT.versionsDir)).catch(() => []);
  const [version, ...others] = versions;
  if (!version || others.length > 0 || !/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/.test(version))
    throw new AppError(
      'INVALID_INPUT',
      `${dir} is not an agent build: it needs the launcher and exactly one versions/<version>/ folder.`,
    );
  const versionDir = join(dir, PACKAGE_LAYOUT.versionsDir, version);
  for (const path of [
    join(dir, PACKAGE_LAYOUT.launcher),
    join(versionDir, PACKAGE_LAYOUT.entry),
    join(versionDir, PACKAGE_LAYOUT.runtime),
  ])
    if (!(await stat(path).catch(() => undefined))?.isFile())
      throw new AppError('INVALID_INPUT', `${path} is missing: not an agent build.`);
  const arch = await elfArch(join(versionDir, PACKAGE_LAYOUT.runtime));
  const target = join(root, buildFolderName(version, arch));
  const existing = await sourceOf(target);
  if (existing !== undefined && !options.replace)
    throw new AppError('CONFLICT', `The server already holds ${version} for ${arch}.`);
  // The own build is remade from the installation; an upload must not pass for it.
  if (existing === 'server')
    throw new AppError('CONFLICT', `${version} for ${arch} is the server's own build: it stays.`);
  const paths = [
    PACKAGE_LAYOUT.launcher,
    ...(await listFiles(dir, `${PACKAGE_LAYOUT.versionsDir}/${version}`)),
  ];
  const sources = await Promise.all(
    paths.map(async (path) => ({
      path,
      from: join(dir, path),
      mode: (await stat(join(dir, path))).mode & 0o777,
    })),
  );
  const staging = join(root, `.adding-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    const body = join(staging, 'body.tar.gz');
    const files = await writeBuildBody(sources, createWriteStream(body));
    const build: AgentBuild = {
      ...{ version, platform: 'linux', arch, source: 'upload', files },
      bodyBytes: (await stat(body)).size,
      addedAt: options.now.toISOString(),
    };
    await writeFile(join(staging, 'build.json'), JSON.stringify(build));
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    return build;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
