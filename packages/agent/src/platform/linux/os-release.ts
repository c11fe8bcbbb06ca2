import { readFile } from 'node:fs/promises';

/**
 * The human name of a Linux distribution (`PRETTY_NAME` of os-release), or `undefined`.
 *
 * @example
 * parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'); // 'Debian GNU/Linux 12 (bookworm)'
 */
export function parseOsRelease(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const match = /^PRETTY_NAME=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) return match[1].replace(/^(["'])(.*)\1$/, '$2') || undefined;
  }
  return undefined;
}

/** Reads `/etc/os-release` (or `/usr/lib/os-release`, its documented fallback). */
export async function readOsPrettyName(): Promise<string | undefined> {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(await readFile(path, 'utf8'));
    } catch {
      continue; // missing: try the next location
    }
  }
  return undefined;
}
