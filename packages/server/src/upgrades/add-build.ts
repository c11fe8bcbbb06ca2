import { spawn } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { AppError } from '@tether/protocol';
import { PACKAGE_LAYOUT } from '@tether/protocol/agent-package';
import type { AgentBuild } from '../ports/agent-builds.js';
import { buildFolder } from './stored-builds.js';

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

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Drops the last `bytes` of a stream (tar's end-of-archive), holding back only that much. */
function dropTail(bytes: number): Transform {
  let held = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      held = Buffer.concat([held, chunk]);
      const pass = held.length - bytes;
      if (pass > 0) {
        this.push(held.subarray(0, pass));
        held = held.subarray(pass);
      }
      callback();
    },
  });
}

/**
 * Adds a build to the server's builds from an unpacked package or install folder: the
 * launcher and exactly one `versions/<version>/` with its runtime and app. The body is written
 * by the system `tar` (512-byte records, its end-of-archive dropped, gzip), streaming.
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
  const target = buildFolder(root, { version, arch });
  if (!options.replace && (await stat(target).catch(() => undefined)))
    throw new AppError('CONFLICT', `The server already holds ${version} for ${arch}.`);
  const paths = [
    PACKAGE_LAYOUT.launcher,
    ...(await listFiles(dir, `${PACKAGE_LAYOUT.versionsDir}/${version}`)),
  ];
  const files: Record<string, string> = {};
  for (const path of paths) files[path] = await sha256(join(dir, path));
  const staging = join(root, `.adding-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    const tar = spawn('tar', ['-b1', '--format=ustar', '-cf', '-', '-C', dir, '--', ...paths], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number>((resolve) => tar.on('close', (code) => resolve(code ?? 1)));
    const body = join(staging, 'body.tar.gz');
    await pipeline(tar.stdout, dropTail(1024), createGzip(), createWriteStream(body));
    if ((await exited) !== 0) throw new AppError('INTERNAL', 'tar could not read the build.');
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
