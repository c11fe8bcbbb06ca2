import type { RunningServer, StartServerOptions } from './server-options.js';
import { startServer } from './server.js';

/** A server that can restart itself in its own process; see {@link runServer}. */
export interface RestartableServer {
  /** The server running now (a new one after each restart). */
  readonly current: RunningServer;
  /**
   * Resolves with the error when a restart could not start the server again (e.g. its port was
   * taken meanwhile): the process has nothing left to serve and should exit.
   */
  readonly failed: Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Starts a server that restarts in place when it asks to (a restore from the admin console is
 * applied as it starts): the running one is closed in order, then a new one is started with the
 * same options on the same ports. What `tether server` and `tether demo` run.
 *
 * @example
 * const server = await runServer({ config, log });
 * await Promise.race([waitForSignal(), server.failed]);
 * await server.close();
 */
export async function runServer(
  options: Omit<StartServerOptions, 'restart'>,
): Promise<RestartableServer> {
  let current: RunningServer | undefined;
  let restarting: Promise<void> | undefined;
  let isClosed = false;
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<unknown>((resolve) => (fail = resolve));

  const restartNow = async (): Promise<void> => {
    options.log.info('Restarting the server in place');
    const stopping = current;
    current = undefined;
    await stopping?.close();
    if (isClosed) return;
    try {
      current = await start();
      options.log.info('The server restarted');
    } catch (error) {
      options.log.fatal({ err: error }, 'The server could not start again after its restart');
      fail(error);
    }
  };
  const restart = (): void => {
    restarting ??= restartNow().finally(() => (restarting = undefined));
  };
  const start = () => startServer({ ...options, restart });

  current = await start();
  return {
    get current(): RunningServer {
      if (!current) throw new Error('The server is restarting.');
      return current;
    },
    failed,
    async close() {
      isClosed = true;
      await restarting;
      const closing = current;
      current = undefined;
      await closing?.close();
    },
  };
}
