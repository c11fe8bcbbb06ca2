// Running and inspecting what an agent install leaves in a system root: the programs it runs,
// the files it leaves, the unit it writes.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';

/** Runs a program, resolving with its exit code and output (never rejects on a failure exit). */
export function runProgram(
  program: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Every path under a root, relative, for "nothing left" comparisons; without dev/ (its fd link
 * shows this test's own open files).
 */
export async function pathsUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return (
    entries
      .map(String)
      // The host's /dev is bound in while the root runs, and run/shm is /dev/shm under another
      // name: other tests' PostgreSQL servers come and go there.
      .filter((path) => !/^(dev|run\/shm|var\/run\/shm)\//.test(path))
      .sort()
  );
}

/** A unit file's `[Service]` keys. */
export function serviceKeys(unit: string): Map<string, string> {
  const keys = new Map<string, string>();
  let section = '';
  for (const line of unit.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1] ?? '';
    else if (section === 'Service')
      keys.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
  }
  return keys;
}

/** Starts a program with a bare PATH; what it prints is kept for failure messages. */
export function startProgram(
  program: string,
  args: string[],
): ChildProcess & { output: () => string } {
  const child = spawn(program, args, {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}
