import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';

/** A path the agent refused to touch; its message is shown to the technician as is. */
export class PathRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathRefusedError';
  }
}

/** The folders a files session may read and write; see {@link createFileRoots}. */
export interface FileRoots {
  /** The roots, resolved (symlinks followed). */
  readonly list: readonly string[];
  /** Whether a real path (symlinks already resolved) is one of the roots or inside one. */
  isInside(real: string): boolean;
  /**
   * An existing path, symlinks followed; refused unless the real path is inside a root (a
   * symlink leading out is refused here). Throws ENOENT-style errors for missing paths.
   */
  existing(path: string): Promise<string>;
  /**
   * A path to create, rename or delete: its parent's real path must be inside a root, and the
   * last component itself is not followed (deleting a symlink removes the link, not its target).
   */
  entry(path: string): Promise<string>;
}

/**
 * Containment checks for a files session. `..` components are refused outright, whatever they
 * would resolve to; everything else is resolved with `realpath` and must stay inside a root.
 *
 * @example
 * const roots = await createFileRoots([homedir()]);
 * const file = await roots.existing('/home/ana/report.pdf');
 */
export async function createFileRoots(roots: readonly string[]): Promise<FileRoots> {
  if (roots.length === 0) throw new Error('A files session needs at least one root folder.');
  const list = await Promise.all(roots.map((root) => realpath(resolve(root))));
  const isInside = (real: string): boolean =>
    list.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));
  const outside = (path: string): PathRefusedError =>
    new PathRefusedError(
      `"${path}" is outside the folders this device shares (${list.join(', ')}). Choose a path inside them.`,
    );
  const lexical = (path: string): string => {
    if (path.split(/[\\/]/).includes('..'))
      throw new PathRefusedError(
        `"${path}" contains "..", which is not allowed. Use a path inside the shared folders without "..".`,
      );
    const first = list[0] ?? '/';
    return isAbsolute(path) ? resolve(path) : resolve(first, path);
  };
  return {
    list,
    isInside,
    async existing(path) {
      const absolute = lexical(path);
      const real = await realpath(absolute);
      if (!isInside(real)) throw outside(path);
      return real;
    },
    async entry(path) {
      const absolute = lexical(path);
      if (list.includes(absolute)) return absolute;
      const parent = await realpath(dirname(absolute));
      if (!isInside(parent)) throw outside(path);
      return join(parent, basename(absolute));
    },
  };
}
