import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * The SHA-256 (hex) of a file, read as a stream: packages and upgrade builds hold a 100 MB runtime.
 *
 * @example
 * if ((await sha256File(path)) !== manifest.files[relative]) refuse();
 */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
