import { lstat, opendir, readlink, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { TarEntry } from './tar-header.js';

/** An entry of a folder being archived, with where it is on disk. */
export interface WalkEntry extends TarEntry {
  /** Absolute path on the device. */
  path: string;
}

/** What the walk reports for an entry it leaves out. */
export type OnSkipped = (path: string, why: string) => void;

/**
 * Walks `folder` (a real path inside the roots) depth first without following symlinks, so
 * every entry stays inside it. Symlinks are kept as links only when their target resolves inside
 * the roots; those leading out (or nowhere) are skipped, as are sockets, pipes and devices. Only
 * one directory handle per level is open, so memory does not grow with folder size.
 *
 * @example
 * for await (const entry of walkFolder('/home/ana/logs', { isInside, onSkipped })) total += entry.size;
 */
export async function* walkFolder(
  folder: string,
  options: { isInside(real: string): boolean; onSkipped: OnSkipped },
): AsyncGenerator<WalkEntry> {
  const info = await lstat(folder);
  yield {
    path: folder,
    name: basename(folder),
    kind: 'directory',
    size: 0,
    mode: info.mode,
    mtimeMs: info.mtimeMs,
  };
  yield* walkChildren(folder, basename(folder), options);
}

async function* walkChildren(
  folder: string,
  name: string,
  options: { isInside(real: string): boolean; onSkipped: OnSkipped },
): AsyncGenerator<WalkEntry> {
  let dir;
  try {
    dir = await opendir(folder);
  } catch (error) {
    options.onSkipped(
      folder,
      `cannot be listed (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
    return;
  }
  for await (const child of dir) {
    const path = join(folder, child.name);
    const entryName = `${name}/${child.name}`;
    const entry = await describe(path, entryName, options);
    if (entry === undefined) continue;
    yield entry;
    if (entry.kind === 'directory') yield* walkChildren(path, entryName, options);
  }
}

async function describe(
  path: string,
  name: string,
  options: { isInside(real: string): boolean; onSkipped: OnSkipped },
): Promise<WalkEntry | undefined> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    options.onSkipped(
      path,
      `vanished or unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
    return undefined;
  }
  const base = { path, name, mode: info.mode, mtimeMs: info.mtimeMs, size: 0 };
  if (info.isDirectory()) return { ...base, kind: 'directory' };
  if (info.isFile()) return { ...base, kind: 'file', size: info.size };
  if (!info.isSymbolicLink()) {
    options.onSkipped(path, 'is not a file, folder or symlink');
    return undefined;
  }
  const target = await realpath(path).catch(() => undefined);
  if (target === undefined || !options.isInside(target)) {
    options.onSkipped(path, 'is a symlink leading outside the shared folders');
    return undefined;
  }
  return { ...base, kind: 'symlink', linkname: await readlink(path) };
}
