import { stat, statfs } from 'node:fs/promises';
import { TETHER_VERSION, type DatabaseStatus, type ServerStatus } from '@tether/protocol';
import { databaseUrl } from '../config/config.js';
import type { ServerContext } from '../ports/server-context.js';
import type { AdminListener } from './admin-context.js';

/** The size of a file, 0 when it is not there (a SQLite `-wal` file comes and goes). */
async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * The database as an administrator finds it: the SQLite file and its size (with its write-ahead
 * log), or the PostgreSQL server and database named in the URL, its credentials left out.
 */
export async function databaseStatus(url: string): Promise<DatabaseStatus> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    const sizes = await Promise.all([path, `${path}-wal`].map(sizeOf));
    return { engine: 'sqlite', path, sizeBytes: sizes.reduce((sum, size) => sum + size, 0) };
  }
  const parsed = new URL(url);
  return {
    engine: 'postgresql',
    host: parsed.hostname,
    port: parsed.port === '' ? null : Number(parsed.port),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
}

/** Free and total space of the file system holding `path`; null where the platform cannot tell. */
async function diskOf(path: string): Promise<ServerStatus['disk']> {
  try {
    const { bavail, blocks, bsize } = await statfs(path);
    return { path, freeBytes: bavail * bsize, totalBytes: blocks * bsize };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOSYS') return null;
    throw error;
  }
}

/**
 * The server at a glance (the admin console's status page).
 *
 * @example
 * const status = await readServerStatus(context, admin);
 */
export async function readServerStatus(
  context: ServerContext,
  admin: Pick<AdminListener, 'startedAt' | 'listeners'>,
): Promise<ServerStatus> {
  const { startedAt, listeners } = admin;
  const [database, disk] = await Promise.all([
    databaseStatus(databaseUrl(context.config)),
    diskOf(context.config.dataDir),
  ]);
  return {
    version: TETHER_VERSION,
    startedAt: startedAt.toISOString(),
    uptimeSec: Math.max(
      0,
      Math.floor((context.clock.now().getTime() - startedAt.getTime()) / 1000),
    ),
    database,
    // The cluster's; each node's own agents are in the node list and its /metrics.
    devicesOnline: context.presence.onlineCount,
    sessionsActive: context.sessions.activeCount,
    disk,
    publicUrl: context.publicUrl(),
    listeners: listeners(),
  };
}
