import { createServer, type Socket } from 'node:net';
import { MAX_WAKE_UP_BYTES, type WakeUpReply } from '@tether/protocol/wake-up';
import type { Logger } from '../logging.js';
import type { WakeUpCheck } from './wake-up-check.js';

/** A wake-up arrives in one short line; a peer that dawdles is cut off. */
const WAKE_UP_TIMEOUT_MS = 5000;
/** Wake-ups come one at a time from one server; a pile of connections is someone else. */
const MAX_CONNECTIONS = 16;

/** A listening wake port; see {@link startWakeListener}. */
export interface WakeListener {
  /** The port bound (the one asked, or the system's choice for 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on a passive agent's wake port (A-10, default 5832): each connection sends one JSON
 * line, a signed wake-up, and is answered one JSON line (`{"ok":true}`, or `ok: false` and why)
 * before it is closed. `onWake` runs for each accepted wake-up. Nothing else is served here.
 *
 * @example
 * const listener = await startWakeListener({ port: 5832, check, onWake: connect, log });
 */
export function startWakeListener(options: {
  port: number;
  /** Default: every interface, as the server may know the device by any of its addresses. */
  host?: string;
  check: WakeUpCheck;
  onWake: () => void;
  log: Logger;
}): Promise<WakeListener> {
  const { check, onWake, log } = options;
  const server = createServer((socket) => serve(socket));
  server.maxConnections = MAX_CONNECTIONS;

  function serve(socket: Socket): void {
    const from = socket.remoteAddress ?? 'unknown';
    let received = '';
    const answer = (reply: WakeUpReply): void => {
      socket.end(`${JSON.stringify(reply)}\n`);
    };
    socket.setEncoding('utf8');
    socket.setTimeout(WAKE_UP_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', (error) => log.debug({ err: error, from }, 'wake port connection failed'));
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\n');
      if (end === -1) {
        if (received.length > MAX_WAKE_UP_BYTES) socket.destroy();
        return;
      }
      socket.removeAllListeners('data');
      const verdict = check.check(received.slice(0, end));
      if (!verdict.ok) {
        log.warn({ from, reason: verdict.reason }, `refused a wake-up: ${verdict.reason}`);
        return answer({ ok: false, message: `Wake-up refused: ${verdict.reason}.` });
      }
      log.info({ from }, 'woken up by the server: connecting');
      answer({ ok: true });
      onWake();
    });
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host ?? '0.0.0.0' }, () => {
      server.off('error', reject);
      server.on('error', (error) => log.error({ err: error }, 'wake port failed'));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
          }),
      });
    });
  });
}
