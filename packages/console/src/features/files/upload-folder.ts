import type { FilesRelay } from './files-relay.js';

/** `folder/name` under `base`, with one slash. */
export const childOf = (base: string, relative: string): string =>
  `${base.replace(/\/$/, '')}/${relative}`;

/**
 * Makes the folders a folder upload needs (from each file's `webkitRelativePath`), parents
 * first; folders that already exist are fine. Resolves with the error message, if any.
 *
 * @example
 * const problem = await makeUploadFolders(relay, '/home/ana', files);
 */
export async function makeUploadFolders(
  relay: FilesRelay,
  base: string,
  files: readonly File[],
): Promise<string | null> {
  const folders = new Set<string>();
  for (const file of files) {
    const parts = file.webkitRelativePath.split('/').slice(0, -1);
    parts.forEach((_, index) => folders.add(parts.slice(0, index + 1).join('/')));
  }
  // A parent's path is shorter than its children's, so this order makes parents first.
  for (const folder of [...folders].sort((a, b) => a.length - b.length)) {
    const reply = await relay.request({ type: 'mkdir', path: childOf(base, folder) });
    if (reply.type === 'error' && reply.code !== 'exists') return reply.message;
  }
  return null;
}
