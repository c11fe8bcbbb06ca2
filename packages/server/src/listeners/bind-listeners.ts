import type { Server } from 'node:http';
import { z } from 'zod';
import { ListenerState, type ListenerName } from '@tether/protocol';
import type { ConnectionLimits } from '../http/connection-guard.js';
import type { HttpsApp } from '../http/https-app.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import { boundPort, listenOrReport } from '../app/listen.js';
import type { ListenerBoard } from './listener-board.js';
import { createHttpRedirect, listenPlain } from './http-redirect.js';
import { readSetting } from '../store/read-setting.js';

const LAST_START_KEY = 'ports.lastStart';
const LastStart = z.object({ at: z.string(), listeners: z.array(ListenerState) });
export type LastStart = z.infer<typeof LastStart>;

const LABELS: Record<ListenerName, string> = {
  https: 'console and agent listener (HTTPS)',
  http: 'HTTP redirect listener',
  admin: 'admin interface',
};

const FIXES: Record<ListenerName, string> = {
  https: 'Choose another with `tether admin ports set --https N` (or --port, or the config file).',
  http: 'Choose another with `tether admin ports set --http N`, or turn it off with --http off.',
  admin:
    'Choose another with `tether admin ports set --admin N` (or --admin-port, or the config file).',
};

/** What the server binds: its two Fastify apps, and what the HTTP redirect needs. */
export interface ListenerApps {
  user: HttpsApp;
  admin: HttpsApp;
  board: ListenerBoard;
  connections: ConnectionLimits;
  trustedProxies: readonly string[];
  /** The configured public URL: its port is where the redirect sends clients. */
  publicUrl: string | undefined;
  store: Store;
  now: Date;
  log: Logger;
}

/**
 * Binds every listener that is on, HTTPS first (the redirect needs its port). Each failure is
 * logged and recorded on the board; the server goes on with the others. Returns the redirect
 * server (to close) when it was started.
 */
export async function bindListeners(apps: ListenerApps): Promise<{ redirect?: Server }> {
  const bindApp = (app: HttpsApp, host: string, port: number) => async () => {
    // A deep accept queue: thousands of agents reconnect at once after a restart (Node's 511
    // drops SYNs, which costs each dropped agent a one-second retransmit).
    await app.listen({ host, port, backlog: 4096 });
    return boundPort(app.server, port);
  };
  const bind = async (
    name: ListenerName,
    start: (host: string, port: number) => () => Promise<number>,
  ) => {
    const state = apps.board.states().find((candidate) => candidate.name === name);
    if (!state || state.requested === null) return undefined;
    const outcome = await listenOrReport(start(state.host, state.requested), {
      name: LABELS[name],
      host: state.host,
      port: state.requested,
      fix: FIXES[name],
      log: apps.log,
    });
    apps.board.record(name, outcome);
    return outcome.status === 'bound' ? outcome.port : undefined;
  };
  const httpsPort = await bind('https', (host, port) => bindApp(apps.user, host, port));
  await bind('admin', (host, port) => bindApp(apps.admin, host, port));
  let redirect: Server | undefined;
  if (httpsPort !== undefined) {
    const publicPort = apps.publicUrl ? Number(new URL(apps.publicUrl).port || 443) : httpsPort;
    const server = createHttpRedirect({
      httpsPort: () => publicPort,
      connections: apps.connections,
      trustedProxies: apps.trustedProxies,
      log: apps.log,
    });
    const port = await bind(
      'http',
      (host, requested) => () => listenPlain(server, host, requested),
    );
    if (port !== undefined) redirect = server;
  }
  await apps.store.settings.set(LAST_START_KEY, {
    at: apps.now.toISOString(),
    listeners: apps.board.states(),
  });
  return redirect ? { redirect } : {};
}

/** Each listener's state at the server's last start (headless `tether admin ports show`). */
export async function readLastStart(
  store: Pick<Store, 'settings'>,
): Promise<LastStart | undefined> {
  return readSetting(store.settings, LAST_START_KEY, LastStart, undefined);
}

/** Closes the redirect listener and its keep-alive connections. */
export function closeRedirect(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
