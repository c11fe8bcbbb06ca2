import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError, ForwardedHeader, invalidInput } from '@tether/protocol';
import { parseNetwork } from '../net/address-list.js';
import { DirectoriesConfig } from './directories-config.js';
import { SingleSignOnConfig } from './sso-config.js';
import { NotificationsConfig } from './notifications-config.js';
import { WakeConfig } from './wake-config.js';
import { ClusterConfig } from './cluster-config.js';

const Port = z.int().min(0).max(65535);

/** TLS 1.3's suites (all AEAD), then TLS 1.2's ECDHE AEAD suites. */
export const AEAD_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

const CONNECTION_DEFAULTS = {
  headersTimeoutSec: 20,
  bodyTimeoutSec: 30,
  idleTimeoutSec: 60,
  maxConnectionsPerSource: 256,
};

const DATABASE_POOL_DEFAULTS = { maxConnections: 10, waitSec: 5 };

function isNetwork(entry: string): boolean {
  try {
    parseNetwork(entry);
    return true;
  } catch {
    return false; // the refinement's message names the entry's problem
  }
}

/** A listener: where it binds. Port 0 picks a free port (tests). */
const Listener = z.object({ host: z.string().min(1), port: Port });

/**
 * The server's configuration: one JSON file, then `TETHER_*` environment variables, then
 * flags, validated here at start with errors that name the bad key.
 */
export const ServerConfig = z.object({
  /** Database, keys, recordings. */
  dataDir: z.string().min(1),
  /** `sqlite:<file>` (default `<dataDir>/tether.db`) or `postgres://…`. */
  database: z.string().min(1).optional(),
  /**
   * PostgreSQL only: the connections this node opens at most, and how long a query waits for
   * one before it fails as "database unavailable" (503). A node holding many thousands of
   * agents wants more than the default 10 (each agent connecting costs a few queries); the
   * database's own `max_connections` must cover every node's pool.
   */
  databasePool: z
    .object({
      maxConnections: z.int().min(1).max(1000).default(DATABASE_POOL_DEFAULTS.maxConnections),
      waitSec: z.number().positive().max(300).default(DATABASE_POOL_DEFAULTS.waitSec),
    })
    .default(DATABASE_POOL_DEFAULTS),
  /** Technicians' console, REST API, agents' control channel and relay (HTTPS + WSS). */
  listen: Listener.default({ host: '0.0.0.0', port: 8443 }),
  /** The admin interface (S-2): its own listener, path `/conf`. */
  admin: Listener.default({ host: '0.0.0.0', port: 7615 }),
  /**
   * Plain HTTP (S-4): every request is redirected to the HTTPS listener. Absent: off (the
   * demo); a service install sets port 80.
   */
  http: Listener.optional(),
  /** The URL agents and browsers use to reach `listen`; shown in enrolment commands. */
  publicUrl: z.url({ protocol: /^https$/ }).optional(),
  tls: z
    .object({
      /** Administrator-supplied certificate and key (PEM); a self-signed pair is made otherwise. */
      certFile: z.string().optional(),
      keyFile: z.string().optional(),
      minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
      /**
       * OpenSSL cipher list (TLS 1.2 names, and TLS 1.3 `TLS_*` names). The default allows only
       * forward-secret AEAD suites: ECDHE with AES-GCM or ChaCha20-Poly1305, no CBC.
       */
      ciphers: z.string().min(1).default(AEAD_CIPHERS),
    })
    .default({ minVersion: 'TLSv1.2', ciphers: AEAD_CIPHERS }),
  /** Deadlines and caps on both listeners' connections (slow or numerous clients). */
  connections: z
    .object({
      headersTimeoutSec: z.number().positive().max(3600).default(20),
      /** A body must deliver 16 KiB per this many seconds or its connection is closed. */
      bodyTimeoutSec: z.number().positive().max(3600).default(30),
      idleTimeoutSec: z.number().positive().max(3600).default(60),
      maxConnectionsPerSource: z.int().min(1).max(1_000_000).default(256),
    })
    .default(CONNECTION_DEFAULTS),
  /**
   * Addresses or CIDR subnets of reverse proxies whose forwarded headers are believed (S-11).
   * Like `behindProxy` and `forwardedHeader`, only the starting value: settings saved in the
   * admin console or with `tether admin proxy` win.
   */
  trustedProxies: z
    .array(z.string().refine(isNetwork, 'not an IP address or CIDR subnet'))
    .default([]),
  /** A TLS-terminating reverse proxy stands in front: agents' proofs are not bound to TLS. */
  behindProxy: z.boolean().default(false),
  /** Which header the trusted proxies write the client's address into. */
  forwardedHeader: ForwardedHeader.default('x-forwarded-for'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Pending relay joins and their tokens expire after this (≤ 60 s). */
  relayTokenTtlSec: z.int().min(5).max(60).default(60),
  sessions: z
    .object({
      /** A session is ended this long after it was opened, however active (default 12 h). */
      maxLifetimeSec: z
        .int()
        .min(60)
        .max(30 * 86_400)
        .default(43_200),
    })
    .default({ maxLifetimeSec: 43_200 }),
  /** Each agent connection's message budget; excess is dropped, a flood is disconnected. */
  agents: z
    .object({
      messagesPerSec: z.number().positive().max(100_000).default(20),
      messageBurst: z.int().min(1).max(1_000_000).default(200),
      /** Statistics samples a second this server takes from all its agents (A-5, at most). */
      statisticsPerSec: z.number().positive().max(100_000).default(200),
    })
    .default({ messagesPerSec: 20, messageBurst: 200, statisticsPerSec: 200 }),
  audit: z
    .object({
      /** Audit rows older than this are deleted (the deletion itself is audited). */
      retentionDays: z.int().min(1).max(36_500).default(365),
    })
    .default({ retentionDays: 365 }),
  /** Custom storage (R-2, R-3, R-5): where sealed credentials' keys are, how uploads retry. */
  storage: z
    .object({
      /** Certificates that storage credentials are sealed to. */
      certsDir: z.string().min(1).default('/etc/tether/ssl/certs'),
      /** Their private keys, same base name, mode 600. */
      privateDir: z.string().min(1).default('/etc/tether/ssl/private'),
      /** Delay after a failed upload; it doubles per failure (with jitter) up to `retryMaxSec`. */
      retryBaseSec: z.number().positive().default(10),
      retryMaxSec: z.number().positive().default(3600),
      /** Days a recording stays on this server once its upload is confirmed; absent: forever. */
      keepLocalDays: z.int().min(0).max(36_500).optional(),
    })
    .default({
      certsDir: '/etc/tether/ssl/certs',
      privateDir: '/etc/tether/ssl/private',
      retryBaseSec: 10,
      retryMaxSec: 3600,
    }),
  /** Cluster mode: `cluster-config.ts`; absent, a single node. */
  cluster: ClusterConfig,
  /** Passive agents and Wake-on-LAN: `wake-config.ts`. */
  wake: WakeConfig,
  /** LDAP / RADIUS directories (`directories-config.ts`); absent: set in the console. */
  directories: DirectoriesConfig,
  /** Single sign-on providers (OpenID Connect, SAML 2.0): `sso-config.ts`. */
  singleSignOn: SingleSignOnConfig,
  /** E-mail and webhook notifications (S-7): `notifications-config.ts`. */
  notifications: NotificationsConfig,
});
export type ServerConfig = z.infer<typeof ServerConfig>;
export type ServerConfigInput = z.input<typeof ServerConfig>;

/** Reads `TETHER_*` variables that map onto config keys. */
function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (env.TETHER_DATA_DIR) config.dataDir = env.TETHER_DATA_DIR;
  if (env.TETHER_DATABASE) config.database = env.TETHER_DATABASE;
  if (env.TETHER_DATABASE_POOL_SIZE)
    config.databasePool = { maxConnections: Number(env.TETHER_DATABASE_POOL_SIZE) };
  if (env.TETHER_NATS) config.cluster = { nats: env.TETHER_NATS };
  if (env.TETHER_PUBLIC_URL) config.publicUrl = env.TETHER_PUBLIC_URL;
  if (env.TETHER_LOG_LEVEL) config.logLevel = env.TETHER_LOG_LEVEL;
  const httpsPort = env.TETHER_HTTPS_PORT ?? env.TETHER_PORT;
  if (httpsPort) config.listen = { host: '0.0.0.0', port: Number(httpsPort) };
  if (env.TETHER_HTTP_PORT) config.http = { host: '0.0.0.0', port: Number(env.TETHER_HTTP_PORT) };
  if (env.TETHER_ADMIN_PORT)
    config.admin = { host: '0.0.0.0', port: Number(env.TETHER_ADMIN_PORT) };
  return config;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `Cannot read config file ${file}: ${(error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new AppError('INVALID_INPUT', `Config file ${file} is not valid JSON.`);
  }
}

/**
 * Builds the effective configuration: file < environment < flags.
 *
 * @example
 * const config = loadServerConfig({ flags: { dataDir: './tether-data' }, env: process.env });
 */
export function loadServerConfig(options: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  flags?: Record<string, unknown>;
}): ServerConfig {
  const layers = [
    options.file ? readConfigFile(options.file) : {},
    fromEnvironment(options.env ?? {}),
    options.flags ?? {},
  ];
  const merged: Record<string, unknown> = { dataDir: './tether-data' };
  for (const layer of layers) Object.assign(merged, layer);
  // `--node-id` alone adds to the config file's `cluster` rather than replacing it (and
  // `--database-pool-size` to its `databasePool`).
  for (const key of ['cluster', 'databasePool']) {
    const parts = layers.map((layer) => layer[key]).filter((each) => each !== undefined);
    if (parts.length > 0) merged[key] = Object.assign({}, ...parts) as unknown;
  }
  const parsed = ServerConfig.safeParse(merged);
  if (!parsed.success) throw invalidInput('server configuration', parsed.error);
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
}

/** The database URL in force (SQLite inside the data directory unless configured). */
export function databaseUrl(config: ServerConfig): string {
  return config.database ?? `sqlite:${join(config.dataDir, 'tether.db')}`;
}

/** How the server's store pools its PostgreSQL connections (ignored for SQLite). */
export function databasePoolOptions(config: ServerConfig): {
  maxConnections: number;
  connectTimeoutMs: number;
} {
  return {
    maxConnections: config.databasePool.maxConnections,
    connectTimeoutMs: config.databasePool.waitSec * 1000,
  };
}
