import { AppError } from '@tether/protocol/agent';
import { spawn, type IPty } from 'node-pty';
import type { CancelTimer, Clock } from '../../clock.js';
import type { ShellCommand } from './shell.js';

/** How a shell ended. */
export interface ShellExit {
  exitCode: number;
  /** The signal that ended it, if any (node-pty reports 0 for "none" on some platforms). */
  signal?: number;
}

/** A shell on a pseudo-terminal; see {@link spawnShell}. */
export interface ShellProcess {
  readonly pty: IPty;
  readonly exited: Promise<ShellExit>;
  /**
   * Hangs up like a closed ssh connection: SIGHUP, so the shell and its jobs can exit cleanly,
   * then SIGKILL if it is still there after `graceMs`.
   */
  hangUp(): void;
}

/**
 * Starts `command` on a new pty of the given size.
 *
 * @example
 * const shell = spawnShell(resolveShell(process.env, process.platform), { cols: 80, rows: 24, clock });
 */
export function spawnShell(
  command: ShellCommand,
  options: { cols: number; rows: number; clock: Clock; graceMs?: number },
): ShellProcess {
  let pty: IPty;
  try {
    pty = spawn(command.file, command.args, {
      name: 'xterm-256color',
      cols: options.cols,
      rows: options.rows,
      cwd: command.cwd,
      env: command.env,
    });
  } catch (error) {
    throw new AppError(
      'INTERNAL',
      `The device could not start a shell (${command.file}): ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
  let hasExited = false;
  let cancelKill: CancelTimer | undefined;
  const exited = new Promise<ShellExit>((resolve) => {
    pty.onExit(({ exitCode, signal }) => {
      hasExited = true;
      cancelKill?.();
      resolve(signal ? { exitCode, signal } : { exitCode });
    });
  });
  return {
    pty,
    exited,
    hangUp() {
      if (hasExited || cancelKill) return;
      signal(pty, 'SIGHUP');
      cancelKill = options.clock.setTimer(() => signal(pty, 'SIGKILL'), options.graceMs ?? 3000);
    },
  };
}

function signal(pty: IPty, name: 'SIGHUP' | 'SIGKILL'): void {
  try {
    pty.kill(name);
  } catch (error) {
    // ESRCH: it exited between our check and the signal, which is what we wanted anyway.
    if (!(error instanceof Error && 'code' in error && error.code === 'ESRCH')) throw error;
  }
}
