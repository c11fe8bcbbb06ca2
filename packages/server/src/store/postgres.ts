import { Kysely, PostgresDialect } from 'kysely';
import { Pool, TypeOverrides, type PoolClient } from 'pg';
import { openKyselyStore } from './kysely-store.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';
import { DatabaseUnavailableError } from './unavailable.js';

/** PostgreSQL type OID of `bigint` (int8). */
const INT8_OID = 20;

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** Pool size per server node. */
  maxConnections?: number;
  /**
   * How long a query waits for a connection before it fails as unavailable (default 5 s). Without
   * a limit, requests pile up in memory for as long as an unreachable database stays silent.
   */
  connectTimeoutMs?: number;
  /**
   * Errors of idle pooled connections (the database restarted, the network dropped). pg
   * discards the broken connection and the next query opens a new one, so these are only
   * worth logging; without a listener the pool's `error` event would crash the process.
   */
  onIdleError?: (error: Error) => void;
}

/**
 * Connects to PostgreSQL (cluster mode) and migrates the database; nodes starting together
 * serialise on Kysely's migration lock.
 *
 * @example
 * const store = await openPostgresStore({ url: 'postgres://tether@db.internal/tether' });
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const pool = new Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    types: bigintAsNumber(),
  });
  pool.on('error', options.onIdleError ?? ignoreIdleError);
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end();
    throw new Error(
      `Cannot connect to PostgreSQL at ${redactUrl(options.url)}: ${describe(error)}`,
      { cause: error },
    );
  }
  // A connection that cannot be had means the database is out of reach (stopped, restarting,
  // network down): marked here so the transports answer 503 instead of 500. The pool opens new
  // connections by itself once it is back.
  // A connection cut while checked out (the database stopped mid-query) emits 'error' on its
  // client, which the pool listens to only while the client is idle: unheard, it would end the
  // process. The query in flight fails by itself; the listener only keeps the process alive.
  const guarded = new WeakSet<PoolClient>();
  const connect = async (): Promise<PoolClient> => {
    const client = await pool.connect().catch((error: unknown) => {
      throw new DatabaseUnavailableError(error);
    });
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', options.onIdleError ?? ignoreIdleError);
    }
    return client;
  };
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: { connect, end: () => pool.end() } }),
  });
  return openKyselyStore(db, 'postgres');
}

/**
 * Timestamps (epoch ms), counts and audit ids are `bigint`, which pg returns as strings by
 * default. All of ours fit in a double exactly; a value that does not is a bug worth an error.
 * Set per pool rather than on pg's global type table, so nothing else in the process changes.
 */
function bigintAsNumber(): TypeOverrides {
  const types = new TypeOverrides();
  types.setTypeParser(INT8_OID, 'text', (text) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value))
      throw new RangeError(`The database returned ${text}, beyond the safe integer range.`);
    return value;
  });
  return types;
}

/** The URL without its password, for error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ');
  return error instanceof Error ? error.message : String(error);
}

function ignoreIdleError(): void {
  // See `onIdleError`: the pool has already dropped the connection.
}
