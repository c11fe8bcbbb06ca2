import type { Clock } from '../../clock.js';
import type { ShellCommand } from './shell.js';
import { spawnShell, type ShellProcess } from './shell-process.js';

/** Early output kept for a shell nobody reads yet; a shell printing more than this is odd. */
const EARLY_OUTPUT_LIMIT = 64 * 1024;

/** A shell whose output is kept until a session takes it. */
export interface BufferedShell {
  readonly shell: ShellProcess;
  /**
   * Stops buffering and returns what the shell printed so far. The caller subscribes to the
   * pty in the same tick, so no output falls between the two.
   */
  release(): Buffer;
}

/**
 * Starts a shell and keeps its first output (the prompt) until `release()`: the shell can start
 * before, or while, the relay connection is made.
 *
 * @example
 * const early = startBufferedShell(command, { cols: 80, rows: 24, clock });
 * const socket = await connectRelay(url, options);
 * socket.send(early.release());
 */
export function startBufferedShell(
  command: ShellCommand,
  options: { cols: number; rows: number; clock: Clock },
): BufferedShell {
  const shell = spawnShell(command, options);
  const chunks: Buffer[] = [];
  let bytes = 0;
  const subscription = shell.pty.onData((text) => {
    if (bytes >= EARLY_OUTPUT_LIMIT) return;
    const chunk = Buffer.from(text, 'utf8');
    chunks.push(chunk);
    bytes += chunk.length;
  });
  return {
    shell,
    release() {
      subscription.dispose();
      return Buffer.concat(chunks);
    },
  };
}
