import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../identity/atomic-write.js';

/**
 * Writes a file only the agent's user can read (0600, in a folder created 0700), atomically.
 * When the agent runs as a service that user is root, which is what O-2 asks of the rollout file.
 *
 * @example
 * await writePrivateFile('/var/lib/tether-agent/rollout.json', JSON.stringify(data));
 */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, content, 0o600);
}
