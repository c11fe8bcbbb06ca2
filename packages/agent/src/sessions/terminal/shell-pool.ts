import type { Logger } from '../../logging.js';
import type { CancelTimer, Clock } from '../../clock.js';
import { startBufferedShell, type BufferedShell } from './buffered-shell.js';
import type { ShellCommand } from './shell.js';

/** A new spare starts this long after one was taken, so it does not slow the session starting. */
const REFILL_DELAY_MS = 100;
/** A spare that dies sooner than this after starting counts as a failure… */
const QUICK_EXIT_MS = 2000;
/** …and after this many in a row the pool stops keeping one (sessions start shells as before). */
const MAX_QUICK_EXITS = 3;

/**
 * Keeps one shell started ahead of time, so a technician sees a prompt as soon as the session
 * opens instead of waiting for a login shell to read its profiles (~100 ms, seconds on a busy
 * machine). The spare runs as the agent's user, has no input until a session takes it, and is
 * hung up when the agent stops.
 *
 * @example
 * const pool = createShellPool({ command: () => resolveShell(process.env, process.platform), clock, log });
 * const warm = pool.take({ cols: 120, rows: 40 }); // undefined when none is ready
 */
export interface ShellPool {
  take(size: { cols: number; rows: number }): BufferedShell | undefined;
  /** Hangs up the spare; resolves once it has exited. */
  stop(): Promise<void>;
}

export function createShellPool(options: {
  command: () => ShellCommand;
  clock: Clock;
  log: Logger;
}): ShellPool {
  let spare: BufferedShell | undefined;
  let refill: CancelTimer | undefined;
  let quickExits = 0;
  let isStopped = false;

  const start = (): void => {
    refill = undefined;
    if (isStopped || spare || quickExits >= MAX_QUICK_EXITS) return;
    let started: BufferedShell;
    try {
      started = startBufferedShell(options.command(), { cols: 80, rows: 24, clock: options.clock });
    } catch (error) {
      quickExits += 1;
      options.log.warn({ err: error }, 'could not start a spare shell');
      schedule();
      return;
    }
    const startedAt = options.clock.now().getTime();
    spare = started;
    void started.shell.exited.then(() => {
      if (spare !== started) return; // taken by a session: its exit is the session's business
      spare = undefined;
      quickExits = options.clock.now().getTime() - startedAt < QUICK_EXIT_MS ? quickExits + 1 : 0;
      schedule();
    });
  };
  const schedule = (): void => {
    if (!isStopped && !refill) refill = options.clock.setTimer(start, REFILL_DELAY_MS);
  };

  start();
  return {
    take(size) {
      const taken = spare;
      if (!taken) return undefined;
      spare = undefined;
      taken.shell.pty.resize(size.cols, size.rows);
      schedule();
      return taken;
    },
    async stop() {
      isStopped = true;
      refill?.();
      refill = undefined;
      const last = spare;
      spare = undefined;
      if (!last) return;
      last.shell.hangUp();
      await last.shell.exited;
    },
  };
}
