import { lstat, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import type { FileEntry, FileReply, FileRequest } from '@tether/protocol/file-frames';
import { FileRequestError } from './file-errors.js';
import type { FileRoots } from './file-roots.js';

type Request<K extends FileRequest['type']> = Extract<FileRequest, { type: K }>;

function toEntry(path: string, name: string, info: Stats): FileEntry {
  const kind = info.isSymbolicLink()
    ? 'symlink'
    : info.isDirectory()
      ? 'directory'
      : info.isFile()
        ? 'file'
        : 'other';
  return { name, path, kind, size: info.size, modifiedAt: info.mtime.toISOString() };
}

function refuseRoot(roots: FileRoots, path: string, what: string): void {
  if (roots.list.includes(path))
    throw new FileRequestError(
      'refused',
      `"${path}" is a shared root folder and cannot be ${what}.`,
    );
}

/**
 * The metadata operations of a files session (list, stat, make folder, rename, delete), each
 * confined to the roots.
 *
 * @example
 * const reply = await fileOperations.list(roots, { type: 'list', id: 1, path: '/home/ana' });
 */
export const fileOperations = {
  roots(roots: FileRoots, request: Request<'roots'>): Promise<FileReply> {
    return Promise.resolve({ type: 'roots', id: request.id, roots: [...roots.list] });
  },
  async list(roots: FileRoots, request: Request<'list'>): Promise<FileReply> {
    const folder = await roots.existing(request.path);
    const names = await readdir(folder);
    const entries: FileEntry[] = [];
    for (const name of names.sort()) {
      const path = join(folder, name);
      const info = await lstat(path).catch(() => undefined); // removed while listing: skip it
      if (info) entries.push(toEntry(path, name, info));
    }
    return { type: 'listing', id: request.id, path: folder, entries };
  },
  async stat(roots: FileRoots, request: Request<'stat'>): Promise<FileReply> {
    const path = await roots.existing(request.path);
    const name = path.split('/').pop() ?? path;
    return { type: 'entry', id: request.id, entry: toEntry(path, name, await stat(path)) };
  },
  async mkdir(roots: FileRoots, request: Request<'mkdir'>): Promise<FileReply> {
    const path = await roots.entry(request.path);
    await mkdir(path);
    return { type: 'ok', id: request.id, op: 'mkdir', path };
  },
  async rename(roots: FileRoots, request: Request<'rename'>): Promise<FileReply> {
    const from = await roots.entry(request.path);
    const to = await roots.entry(request.to);
    refuseRoot(roots, from, 'renamed');
    await lstat(from);
    if (
      await lstat(to).then(
        () => true,
        () => false,
      )
    )
      throw new FileRequestError('exists', `"${request.to}" already exists; choose another name.`);
    await rename(from, to);
    return { type: 'ok', id: request.id, op: 'rename', path: from, to };
  },
  async delete(roots: FileRoots, request: Request<'delete'>): Promise<FileReply> {
    const path = await roots.entry(request.path);
    refuseRoot(roots, path, 'deleted');
    await lstat(path);
    await rm(path, { recursive: true });
    return { type: 'ok', id: request.id, op: 'delete', path };
  },
};
