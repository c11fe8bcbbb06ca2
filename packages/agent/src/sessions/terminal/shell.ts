import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute } from 'node:path';

/** The program a terminal session runs, and how. */
export interface ShellCommand {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * The user's login shell: `$SHELL` when it names an executable, else bash, else sh; started as
 * a login shell (`-l`) so profile scripts run and the prompt looks like an ssh login. The
 * agent's own `TETHER_*` variables are left out. On Windows, `COMSPEC` (cmd.exe) until PowerShell support is decided.
 *
 * @example
 * const { file, args, cwd, env } = resolveShell(process.env, process.platform);
 */
export function resolveShell(environment: NodeJS.ProcessEnv, os: NodeJS.Platform): ShellCommand {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    // The agent's own settings (some may be secrets) are not the technician's business.
    if (value !== undefined && !name.startsWith('TETHER_')) env[name] = value;
  }
  env['TERM'] = 'xterm-256color';
  env['COLORTERM'] = 'truecolor';
  const cwd = homedir();
  if (os === 'win32') {
    return { file: environment['COMSPEC'] ?? 'cmd.exe', args: [], cwd, env };
  }
  const candidates = [environment['SHELL'], '/bin/bash', '/bin/sh'];
  const file =
    candidates.find((path): path is string => path !== undefined && isExecutable(path)) ??
    '/bin/sh';
  return { file, args: ['-l'], cwd, env };
}

function isExecutable(path: string): boolean {
  if (!isAbsolute(path)) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false; // missing or not executable: try the next candidate
  }
}
