import type { ServerConfig } from '@tether/server/config';
import type { ListenerName } from '@tether/protocol';
import { stringOption, type CommandInput } from './command.js';

/** Flags every command that works on a server's data directory accepts. */
export const dataDirOptions = {
  'data-dir': { type: 'string' },
  config: { type: 'string' },
} as const;

/** Flags of `tether server` that override config keys. */
export const serverFlagOptions = {
  ...dataDirOptions,
  host: { type: 'string' },
  port: { type: 'string' },
  'https-port': { type: 'string' },
  'http-port': { type: 'string' },
  'admin-port': { type: 'string' },
  database: { type: 'string' },
  'database-pool-size': { type: 'string' },
  'public-url': { type: 'string' },
  'log-level': { type: 'string' },
  nats: { type: 'string' },
  'node-id': { type: 'string' },
  'node-url': { type: 'string' },
} as const;

/** Builds the effective server config from a config file, environment and flags. */
export async function serverConfigFrom(input: CommandInput): Promise<ServerConfig> {
  // The config entry alone, so that commands which only read the config do not load the
  // server; loaded here, not at the top, because its schemas load zod (see program.ts).
  const { loadServerConfig } = await import('@tether/server/config');
  const flags: Record<string, unknown> = {};
  const dataDir = stringOption(input, 'data-dir');
  if (dataDir) flags.dataDir = dataDir;
  const host = stringOption(input, 'host') ?? '0.0.0.0';
  const port = stringOption(input, 'https-port') ?? stringOption(input, 'port');
  if (port) flags.listen = { host, port: Number(port) };
  const httpPort = stringOption(input, 'http-port');
  if (httpPort) flags.http = { host, port: Number(httpPort) };
  const adminPort = stringOption(input, 'admin-port');
  if (adminPort) flags.admin = { host, port: Number(adminPort) };
  const database = stringOption(input, 'database');
  if (database) flags.database = database;
  const poolSize = stringOption(input, 'database-pool-size');
  if (poolSize) flags.databasePool = { maxConnections: Number(poolSize) };
  const publicUrl = stringOption(input, 'public-url');
  if (publicUrl) flags.publicUrl = publicUrl;
  const logLevel = stringOption(input, 'log-level');
  if (logLevel) flags.logLevel = logLevel;
  const cluster = {
    ...optional('nats', stringOption(input, 'nats')),
    ...optional('nodeId', stringOption(input, 'node-id')),
    ...optional('nodeUrl', stringOption(input, 'node-url')),
  };
  if (Object.keys(cluster).length > 0) flags.cluster = cluster;
  const file = stringOption(input, 'config');
  return loadServerConfig({ ...(file ? { file } : {}), env: input.env, flags });
}

function optional(key: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [key]: value };
}

/**
 * The listeners whose port this start fixes with a flag or `TETHER_*` variable: the ports an
 * administrator saved in the admin console do not override what the person starting it typed.
 */
export function pinnedListeners(input: CommandInput): ListenerName[] {
  const given = (flags: string[], variables: string[]): boolean =>
    flags.some((flag) => stringOption(input, flag) !== undefined) ||
    variables.some((variable) => Boolean(input.env[variable]));
  const pinned: ListenerName[] = [];
  if (given(['port', 'https-port'], ['TETHER_PORT', 'TETHER_HTTPS_PORT'])) pinned.push('https');
  if (given(['http-port'], ['TETHER_HTTP_PORT'])) pinned.push('http');
  if (given(['admin-port'], ['TETHER_ADMIN_PORT'])) pinned.push('admin');
  return pinned;
}

/**
 * The config as `--print-config` shows it: directory secrets (bind passwords, RADIUS shared
 * secrets) and notification secrets (SMTP password, webhook secrets) replaced by "(set)", so the output can be pasted into a support ticket.
 */
export function printableConfig(config: ServerConfig): ServerConfig {
  const { smtp, webhooks } = config.notifications;
  const notifications = {
    ...config.notifications,
    ...(smtp && { smtp: { ...smtp, ...(smtp.password !== undefined && { password: '(set)' }) } }),
    ...(webhooks && {
      webhooks: webhooks.map((webhook) => ({
        ...webhook,
        ...(webhook.secret !== undefined && { secret: '(set)' }),
      })),
    }),
  };
  if (!config.directories) return { ...config, notifications };
  return {
    ...config,
    notifications,
    directories: config.directories.map((directory) =>
      directory.type === 'ldap'
        ? { ...directory, ...(directory.bindPassword !== undefined && { bindPassword: '(set)' }) }
        : { ...directory, ...(directory.secret !== undefined && { secret: '(set)' }) },
    ),
  };
}
