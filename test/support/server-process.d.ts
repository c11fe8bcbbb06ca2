import { startCli } from './cli.js';
import { HttpsClient } from './https-client.js';
/**
 * A loopback port nobody listens on right now, for a server that must come back on the same
 * port after a restart (so it cannot simply bind port 0).
 *
 * @example
 * const port = await freePort();
 */
export declare function freePort(): Promise<number>;
/**
 * Runs the real `tether server` as a child process (to kill it with SIGKILL and restart it),
 * waits until it listens, and signs in as the administrator.
 *
 * @example
 * const server = await startServerProcess({ dataDir, port, password: 'admin-password-1' });
 * await stopProcess(server.process, 'SIGKILL');
 */
export declare function startServerProcess(options: {
    dataDir: string;
    port: number;
    password: string;
    configFile?: string;
    logLevel?: string;
    /** `--database` (e.g. a private PostgreSQL's URL); default SQLite in the data dir. */
    database?: string;
}): Promise<{
    process: ReturnType<typeof startCli>;
    client: HttpsClient;
}>;
/**
 * Enrols an agent with the real CLI against a server process (an installer of `group`) and
 * starts `tether agent run`; the caller stops the returned process.
 *
 * @example
 * const agent = await enrollAndRunAgent(server.client, { port, agentDir, group: 'Crash' });
 */
export declare function enrollAndRunAgent(client: HttpsClient, options: {
    port: number;
    agentDir: string;
    group: string;
}): Promise<ReturnType<typeof startCli>>;
