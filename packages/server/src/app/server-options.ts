// What starting a server takes and what a running one offers (app/server.ts starts it).
import type { ListenerName } from '@tether/protocol';
import type { Cluster } from '../cluster/cluster.js';
import type { JoinClusterDeps } from '../cluster/join-cluster.js';
import type { Clock } from '../clock.js';
import type { ServerConfig } from '../config/config.js';
import type { RouteInfo } from '../http/https-app.js';
import type { Logger } from '../logging.js';
import type { ServerContext } from '../ports/server-context.js';

export interface StartServerOptions {
  config: ServerConfig;
  log: Logger;
  clock?: Clock;
  /** First administrator's password (TETHER_ADMIN_PASSWORD); random when absent. */
  adminPassword?: string | undefined;
  /** The console's built files. */
  consoleDir?: string | undefined;
  /**
   * Listeners whose port a flag or `TETHER_*` variable gave: ports saved in the admin console
   * do not override them (what the person starting the process typed wins).
   */
  pinnedListeners?: readonly ListenerName[];
  /**
   * How this node joins its cluster (default `joinCluster`: NATS when configured, else a
   * cluster of one). Tests pass a `MemoryClusterGroup` member to run several nodes in one process.
   */
  joinCluster?: (deps: JoinClusterDeps) => Promise<Cluster>;
  /**
   * How this server restarts in its own process (`runServer` passes it): a restore from the
   * admin console is applied that way. Absent: the restore waits for the next start.
   */
  restart?: () => void;
}

export interface RunningServer {
  /** `https://host:port` of the user listener (start fails when it cannot be bound; kept optional for callers). */
  url: string | undefined;
  adminUrl: string | undefined;
  /** Set on first start only: the administrator credentials to show once. */
  initialAdmin: { username: string; password: string; generated: boolean } | undefined;
  context: ServerContext;
  /** The routes of each listener, as registered (the contract coverage test walks them). */
  routes: { user: readonly RouteInfo[]; admin: readonly RouteInfo[] };
  close(): Promise<void>;
}
