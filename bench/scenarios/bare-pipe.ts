import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopProcess, waitFor } from '../../test/support/cli.js';
import type { Cleanup } from '../lib/cleanup.js';
import { collectGarbageIn, forcedGcEnv } from '../lib/server-process.js';

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
  /** Preload the forced-GC hook, for `collectGarbage`. */
  forcedGc?: boolean;
}): Promise<{
  url: string;
  pid: number;
  stop: () => Promise<void>;
  /** Heap used after it, bytes. */
  collectGarbage: () => Promise<number>;
}> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ENTRY, options.certFile, options.keyFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(options.forcedGc ? forcedGcEnv() : {}) },
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
  const pid = child.pid ?? 0;
  const collectGarbage = (): Promise<number> => {
    if (!options.forcedGc) throw new Error('the bare pipe was started without the forced-GC hook');
    return collectGarbageIn({ pid, output: () => output });
  };
  return { url: `https://127.0.0.1:${port}`, pid, stop, collectGarbage };
}

/**
 * Starts a stand-in device script (`bare-files-device.ts`, `bare-echo-device.ts`) in its own
 * process, joined to `url` on the bare pipe with the agent's relay client; resolves once it
 * printed `joined`.
 *
 * @example
 * await startBareDevice({ script: ECHO_DEVICE, url: `${pipe.url}/echo`, fingerprint, cleanup });
 */
export async function startBareDevice(options: {
  script: string;
  url: string;
  fingerprint: string;
  cleanup: Cleanup;
}): Promise<void> {
  const device = spawn(
    process.execPath,
    ['--import', 'tsx', options.script, options.url, options.fingerprint],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  options.cleanup.defer('bare pipe device', () => stopProcess(device));
  let output = '';
  device.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  device.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor('the stand-in device to join the bare pipe', () => {
    if (device.exitCode !== null) throw new Error(`the stand-in device exited:\n${output}`);
    return output.includes('joined') ? true : undefined;
  });
}
