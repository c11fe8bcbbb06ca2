import type { HttpsApp } from '../http/https-app.js';
import type { Logger } from '../logging.js';

const REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use by another program',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'that address does not belong to this machine',
};

/**
 * Binds one listener; on failure reports which listener, which port and why (S-4), and returns
 * undefined so the server goes on with the ports it could bind.
 */
export async function listenOrReport(
  app: HttpsApp,
  options: { name: string; host: string; port: number; flag: string; log: Logger },
): Promise<number | undefined> {
  try {
    // A deep accept queue: thousands of agents reconnect at once after a restart (Node's 511
    // drops SYNs, which costs each dropped agent a one-second retransmit).
    await app.listen({ host: options.host, port: options.port, backlog: 4096 });
    const address = app.server.address();
    return typeof address === 'object' && address ? address.port : options.port;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    const why = REASONS[code] ?? (error as Error).message;
    options.log.error(
      { listener: options.name, port: options.port, code },
      `Cannot listen on ${options.host}:${options.port} for the ${options.name}: ${why}. Choose another port with ${options.flag}.`,
    );
    return undefined;
  }
}
