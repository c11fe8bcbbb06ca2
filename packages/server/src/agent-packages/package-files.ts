import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { AgentPackageFile } from '@tether/protocol';
import type { AgentBuild, AgentBuilds } from '../ports/agent-builds.js';
import {
  AR_MAGIC,
  arMember,
  arMemberHeader,
  arPadding,
  debianControl,
  debianDataHead,
} from './deb-archive.js';
import { packageTail, type PackageExtras } from './package-parts.js';
import { DEB_PACKAGE_DIR, installScript, runHeader, type ScriptOrigin } from './package-scripts.js';
import { prefixTarPaths } from './ustar.js';

/** A package file ready to send: its exact size and its bytes, made as they are read. */
export interface PackageFile<F extends PackageFileName = PackageFileName> {
  file: F;
  bytes: number;
  contentType: string;
  open(): Readable;
}

/** An installer's package files, and the one-time agent of an ad-hoc session. */
export type PackageFileName = AgentPackageFile | 'tether-support.run';

/** What every format of one installer's package is made of. */
export interface PackageInput {
  build: AgentBuild;
  extras: PackageExtras;
  origin: ScriptOrigin;
  /** The public link of the `.run` (install.sh downloads it). */
  runUrl: string;
  tlsPin: string | undefined;
}

/** Removes the kept bodies of earlier builds (a server upgrade makes a new own build). */
async function forgetOthers(cacheDir: string, kept: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const path = join(cacheDir, name);
    if (path !== kept && name.endsWith('.tar.gz')) await rm(path, { force: true });
  }
}

type Part = Buffer | { path: string; bytes: number } | { body: AgentBuild; bytes: number };

function partBytes(part: Part): number {
  return Buffer.isBuffer(part) ? part.length : part.bytes;
}

/**
 * Makes the files of a package from a build: `.tar.gz` = the build's body + the package's own
 * gzip member; `.run` = a sh header + that `.tar.gz`; `.deb` = ar(debian-binary, control,
 * data = the body under usr/lib/tether-agent/package + the package member); `install.sh` = a script.
 * Parts stream from disk one after the other: the 100 MiB never sit in memory.
 *
 * @example
 * const files = createPackageFiles({ builds, cacheDir: join(dataDir, 'agent-packages') });
 * const run = await files.make('tether-agent.run', input);
 */
export function createPackageFiles(deps: { builds: AgentBuilds; cacheDir: string }) {
  const making = new Map<string, Promise<{ path: string; bytes: number }>>();

  /** The build's body with every path under `prefix`, made once per build and kept. */
  const prefixedBody = (build: AgentBuild, prefix: string) => {
    const tag = createHash('sha256')
      .update(JSON.stringify([build.version, build.arch, build.addedAt, build.bodyBytes, prefix]))
      .digest('hex')
      .slice(0, 16);
    const path = join(deps.cacheDir, `${build.version}-linux-${build.arch}-${tag}.tar.gz`);
    let made = making.get(path);
    if (!made) {
      made = (async () => {
        const existing = await stat(path).catch(() => undefined);
        if (existing) return { path, bytes: existing.size };
        await mkdir(deps.cacheDir, { recursive: true, mode: 0o700 });
        const partial = `${path}.making-${process.pid}`;
        await pipeline(
          deps.builds.openBody(build),
          createGunzip(),
          prefixTarPaths(prefix),
          createGzip({ level: 6 }),
          createWriteStream(partial),
        );
        await rename(partial, path);
        await forgetOthers(deps.cacheDir, path);
        return { path, bytes: (await stat(path)).size };
      })();
      made.catch(() => making.delete(path));
      making.set(path, made);
    }
    return made;
  };

  const fileOf = <F extends PackageFileName>(
    file: F,
    contentType: string,
    parts: Part[],
  ): PackageFile<F> => ({
    file,
    contentType,
    bytes: parts.reduce((sum, part) => sum + partBytes(part), 0),
    open: () =>
      Readable.from(
        (async function* stream() {
          for (const part of parts) {
            if (Buffer.isBuffer(part)) yield part;
            else if ('path' in part) yield* createReadStream(part.path);
            else yield* deps.builds.openBody(part.body);
          }
        })(),
      ),
  });

  const tarball = (input: PackageInput): Part[] => [
    { body: input.build, bytes: input.build.bodyBytes },
    packageTail(input.extras),
  ];

  return {
    async make<F extends PackageFileName>(file: F, input: PackageInput): Promise<PackageFile<F>> {
      switch (file) {
        case 'tether-agent.tar.gz':
          return fileOf(file, 'application/gzip', tarball(input));
        case 'tether-agent.run':
          return fileOf(file, 'application/x-sh', [runHeader(input.origin), ...tarball(input)]);
        case 'tether-support.run':
          return fileOf(file, 'application/x-sh', [
            runHeader(input.origin, 'support'),
            ...tarball(input),
          ]);
        case 'install.sh':
          return fileOf(file, 'text/x-shellscript; charset=utf-8', [
            Buffer.from(
              installScript({ ...input.origin, runUrl: input.runUrl, tlsPin: input.tlsPin }),
            ),
          ]);
        case 'tether-agent.deb': {
          const body = await prefixedBody(input.build, DEB_PACKAGE_DIR);
          const head = debianDataHead(DEB_PACKAGE_DIR);
          const tail = packageTail(input.extras, DEB_PACKAGE_DIR);
          const dataBytes = head.length + body.bytes + tail.length;
          return fileOf(file, 'application/vnd.debian.binary-package', [
            AR_MAGIC,
            arMember('debian-binary', Buffer.from('2.0\n')),
            arMember('control.tar.gz', debianControl(input.origin)),
            arMemberHeader('data.tar.gz', dataBytes),
            head,
            body,
            tail,
            arPadding(dataBytes),
          ]);
        }
      }
    },
  };
}

export type PackageFiles = ReturnType<typeof createPackageFiles>;
