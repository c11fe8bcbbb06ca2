import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that readers see either the old or the new content, never half of it: write
 * a temporary file beside it with the final mode, fsync, then rename over the target. The mode
 * is set at creation so a secret is never readable by others, not even for a moment.
 *
 * @example
 * await writeFileAtomic(join(dataDir, 'agent.json'), JSON.stringify(config), 0o600);
 */
export async function writeFileAtomic(path: string, content: string, mode: number): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.chmod(mode); // the umask applies at creation; make the mode exact
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
