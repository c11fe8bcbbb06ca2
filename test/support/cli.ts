import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../packages/cli/src/main.ts', import.meta.url));

/**
 * The bundled `tether` (packages/cli/dist/tether.mjs) when the test runner built it fresh from
 * these sources (scripts/run-tests.mjs sets it): it starts in a tenth of the time tsx takes to
 * compile the sources (0.3 s instead of 1.9 s for a command that opens the store), and the CLI
 * tests run hundreds of commands. Unset (`node --test` by hand), the sources run through tsx.
 */
const BUNDLE = process.env.TETHER_TEST_CLI_BUNDLE;

/** Arguments that run the `tether` CLI from its TypeScript sources through tsx. */
export const sourceCliArgs = (args: string[]): string[] => ['--import', 'tsx', MAIN, ...args];

/** Arguments that run the real `tether` CLI in a child process. */
export const cliArgs = (args: string[]): string[] =>
  BUNDLE ? [BUNDLE, ...args] : sourceCliArgs(args);

/** Runs `tether …` to completion and returns what it printed. */
export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs(args), {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Starts a long-running `tether …` (server, agent); the caller stops it with `stopProcess`. */
export function startCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv } = {},
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, cliArgs(args), {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/** Stops a child process and waits until it is gone (SIGKILL after a grace period). */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

/**
 * Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. The deadline
 * is generous on purpose: it only matters when the awaited event never comes, and a loaded
 * machine (load average 19 was seen) can take many seconds for one that does.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
