import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopProcess, waitFor } from '../../test/support/cli.js';
import type { Cleanup } from '../lib/cleanup.js';

const ENTRY = fileURLToPath(new URL('./bare-pipe-server.ts', import.meta.url));

/**
 * Starts the bare `ws` pipe (see bare-pipe-server.ts) in a child process with the given TLS
 * certificate; resolves with its https base URL, its process id and a way to stop it early.
 *
 * @example
 * const { url } = await startBarePipe({ certFile, keyFile, cleanup });
 */
export async function startBarePipe(options: {
  certFile: string;
  keyFile: string;
  cleanup: Cleanup;
}): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ENTRY, options.certFile, options.keyFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stop = options.cleanup.defer('bare pipe server', () => stopProcess(child));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await waitFor('the bare pipe to listen', () => {
    if (child.exitCode !== null) throw new Error(`the bare pipe exited:\n${output}`);
    return /listening (\d+)/.exec(output)?.[1];
  });
  return { url: `https://127.0.0.1:${port}`, pid: child.pid ?? 0, stop };
}
