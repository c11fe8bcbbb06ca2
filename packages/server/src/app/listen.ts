import type { Server } from 'node:net';
import type { Logger } from '../logging.js';

const REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use by another program',
  EACCES: 'permission denied (ports below 1024 need privileges or CAP_NET_BIND_SERVICE)',
  EADDRNOTAVAIL: 'that address does not belong to this machine',
};

/** What binding one listener gave: its port, or the error's code and a sentence. */
export type ListenOutcome =
  { status: 'bound'; port: number } | { status: 'failed'; code: string; reason: string };

/** The port a listening server is bound to. */
export function boundPort(server: Server, fallback: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

/**
 * Binds one listener; on failure reports which listener, which port and why (S-4), and returns
 * the failure so the server goes on with the ports it could bind and shows it in the admin
 * console.
 */
export async function listenOrReport(
  bind: () => Promise<number>,
  options: { name: string; host: string; port: number; fix: string; log: Logger },
): Promise<ListenOutcome> {
  try {
    return { status: 'bound', port: await bind() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    const reason = REASONS[code] ?? (error as Error).message;
    options.log.error(
      { listener: options.name, port: options.port, code },
      `Cannot listen on ${options.host}:${options.port} for the ${options.name}: ${reason}. ${options.fix}`,
    );
    return { status: 'failed', code, reason };
  }
}
