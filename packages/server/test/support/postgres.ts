import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** Where Debian's `postgresql` package puts each major version (`<root>/<major>/bin`). */
const DEBIAN_ROOT = '/usr/lib/postgresql';
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
/** Keep the tail of the server log for error messages, not all of it. */
const LOG_TAIL_CHARS = 8_000;

/** A private PostgreSQL server started for tests. */
export interface PostgresInstance {
  /** URL of the database created at start (`options.database`, default `tether`). */
  url: string;
  host: string;
  port: number;
  /** Creates another database on this server and returns its URL (default name: a fresh one). */
  createDatabase(name?: string): Promise<string>;
  /** The server's recent log lines, for failure messages. */
  log: () => string;
  /**
   * Stops the server as an outage would (fast shutdown: every client connection is cut) and
   * keeps its data, so {@link resume} can bring the same database back on the same port.
   */
  halt(): Promise<void>;
  /** Starts the halted server again on the same port and data; resolves once it accepts connections. */
  resume(): Promise<void>;
  /** Stops the server and deletes its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Folder holding `initdb` and `postgres`; default the newest version under /usr/lib/postgresql. */
  binDir?: string;
  /** Name of the database created at start. */
  database?: string;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
}

/**
 * Starts a throw-away PostgreSQL server: `initdb` into a fresh temp folder, `postgres` on a free
 * loopback port with its socket inside that folder and durability off for speed, then creates a
 * database. Runs the server as the `postgres` user when the tests run as root (PostgreSQL
 * refuses root). Fails, never skips, when PostgreSQL is not installed.
 *
 * @example
 * const postgres = await startPostgres();
 * try { await useDatabase(postgres.url); } finally { await postgres.stop(); }
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresInstance> {
  const binDir = options.binDir ?? findPostgresBinDir();
  const owner = serverOwner();
  const root = await mkdtemp(join(tmpdir(), 'tether-pg-'));
  const dataDir = join(root, 'data');
  try {
    if (owner) await chown(root, owner.uid, owner.gid);
    await initDataDir(binDir, dataDir, owner);
    const launch = { binDir, root, dataDir, owner, settings: options.settings ?? {} };
    const server = await startServer(launch);
    const instance = createInstance(server, root, (port) => startServer({ ...launch, port }));
    try {
      return { ...instance, url: await instance.createDatabase(options.database ?? 'tether') };
    } catch (error) {
      await instance.stop();
      throw error;
    }
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The newest `<major>/bin` under `root` (Debian's /usr/lib/postgresql) that holds a server.
 * Also honours `TETHER_PG_BIN` for machines that install PostgreSQL elsewhere.
 */
export function findPostgresBinDir(root = DEBIAN_ROOT): string {
  const override = process.env.TETHER_PG_BIN;
  if (override !== undefined && override !== '') return override;
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter(
          (name) => /^\d+(\.\d+)?$/.test(name) && existsSync(join(root, name, 'bin', 'postgres')),
        )
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = majors[0];
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL is not installed: no ${root}/<version>/bin/postgres. The PostgreSQL half of the ` +
        'store tests needs it: install the Debian package `postgresql` (apt-get install -y postgresql), ' +
        'or point TETHER_PG_BIN at the folder holding initdb and postgres.',
    );
  }
  return join(root, newest, 'bin');
}

interface Owner {
  uid: number;
  gid: number;
}

/** As root, the `postgres` system user (from /etc/passwd); otherwise ourselves (undefined). */
function serverOwner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      'Tests run as root, and PostgreSQL refuses root, but there is no `postgres` user to run it as.',
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

async function initDataDir(
  binDir: string,
  dataDir: string,
  owner: Owner | undefined,
): Promise<void> {
  const args = ['-D', dataDir, ...'-U postgres -A trust -E UTF8 --locale=C --no-sync'.split(' ')];
  try {
    await execFileAsync(join(binDir, 'initdb'), args, {
      ...owner,
      cwd: join(dataDir, '..'),
      env: childEnv(),
    });
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error ? String(error.stderr).trim() : '';
    const reason = stderr !== '' ? stderr : error instanceof Error ? error.message : String(error);
    throw new Error(`initdb failed in ${dataDir}: ${reason}`, { cause: error });
  }
}

interface RunningServer {
  child: ChildProcess;
  port: number;
  log: () => string;
}

/** Starts `postgres`, retrying with another port if the free one we picked was taken meanwhile. */
async function startServer(options: {
  binDir: string;
  root: string;
  dataDir: string;
  owner: Owner | undefined;
  settings: Record<string, string>;
  /** The port to listen on (a restart); default a free one, retried if taken meanwhile. */
  port?: number;
}): Promise<RunningServer> {
  for (let attempt = 1; ; attempt += 1) {
    const port = options.port ?? (await freePort());
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: options.root,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      shared_buffers: '32MB',
      ...options.settings,
    };
    const args = [
      '-D',
      options.dataDir,
      '-p',
      String(port),
      ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ];
    const child = spawn(join(options.binDir, 'postgres'), args, {
      ...options.owner,
      cwd: options.root,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = captureLog(child);
    try {
      await waitUntilReady(child, port, log);
      return { child, port, log };
    } catch (error) {
      await stopChild(child);
      const portTaken = log().includes('could not bind');
      if (!portTaken || attempt >= 3 || options.port !== undefined) throw error;
    }
  }
}

function createInstance(
  first: RunningServer,
  root: string,
  restart: (port: number) => Promise<RunningServer>,
): Omit<PostgresInstance, 'url'> {
  const host = '127.0.0.1';
  let server = first;
  const urlOf = (database: string) => `postgres://postgres@${host}:${server.port}/${database}`;
  let created = 0;
  // Safety net for a test run that dies before `stop()`: no orphaned server, no stray folder.
  const onExit = () => {
    server.child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    host,
    port: server.port,
    log: () => server.log(),
    async halt() {
      await stopChild(server.child);
    },
    async resume() {
      if (server.child.exitCode === null && server.child.signalCode === null)
        throw new Error('PostgreSQL is running: halt() it before resume().');
      server = await restart(server.port);
    },
    async createDatabase(name) {
      created += 1;
      const database = name ?? `test_${created}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(database))
        throw new Error(`Not a plain database name: "${database}".`);
      const client = new pg.Client({ connectionString: urlOf('postgres') });
      await client.connect();
      try {
        await client.query(`create database ${database}`);
      } finally {
        await client.end();
      }
      return urlOf(database);
    },
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', onExit);
        await stopChild(server.child);
        await rm(root, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

async function waitUntilReady(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited during start-up:\n${log()}`);
    }
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'postgres',
    });
    // A failed connect leaves an error event behind on some pg versions; keep it from crashing us.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `postgres did not accept connections within ${READY_TIMEOUT_MS} ms:\n${log()}`,
          { cause: error },
        );
      }
    }
    await delay(50);
  }
}

/** Fast shutdown (SIGINT), then SIGKILL if it hangs. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function captureLog(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text;
}

/** An ephemeral loopback port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string')
    throw new Error('Could not find a free port.');
  return address.port;
}

/** A C locale so initdb and the server behave the same whatever the developer's locale. */
function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', LANG: 'C' };
}
