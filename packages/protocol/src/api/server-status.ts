import { z } from 'zod';
import { Timestamp } from '../ids.js';

const bytes = z.number().int().nonnegative();

/**
 * The database in use, as an administrator needs to find it: the SQLite file and its size, or
 * the PostgreSQL server and database (never its password).
 */
export const DatabaseStatus = z.discriminatedUnion('engine', [
  z.object({ engine: z.literal('sqlite'), path: z.string(), sizeBytes: bytes }),
  z.object({
    engine: z.literal('postgresql'),
    host: z.string(),
    port: z.number().int().positive().nullable(),
    database: z.string(),
  }),
]);
export type DatabaseStatus = z.infer<typeof DatabaseStatus>;

/** One of the server's listeners: where it was asked to listen, and whether it could. */
export const ListenerStatus = z.object({
  /** What it serves, for people: "console and agents", "admin console". */
  purpose: z.string(),
  host: z.string(),
  /** The bound port, or the configured one when it could not bind. */
  port: z.number().int().nonnegative(),
  isBound: z.boolean(),
});
export type ListenerStatus = z.infer<typeof ListenerStatus>;

/**
 * The server at a glance, the admin console's first page (S-2).
 *
 * @example
 * const { version, devicesOnline } = await api.call(serverStatusEndpoints.get, {});
 */
export const ServerStatus = z.object({
  version: z.string(),
  startedAt: Timestamp,
  uptimeSec: z.number().int().nonnegative(),
  database: DatabaseStatus,
  devicesOnline: z.number().int().nonnegative(),
  sessionsActive: z.number().int().nonnegative(),
  /** The file system of the data directory; null when the platform cannot tell. */
  disk: z.object({ path: z.string(), freeBytes: bytes, totalBytes: bytes }).nullable(),
  /** The URL agents and browsers use for the user listener. */
  publicUrl: z.string(),
  listeners: z.array(ListenerStatus),
});
export type ServerStatus = z.infer<typeof ServerStatus>;

/**
 * The networks, besides localhost, allowed to reach the admin listener: IP addresses and CIDR
 * subnets (`192.168.1.20`, `10.0.0.0/8`, `fd00::/8`).
 */
export const TrustedNetworks = z.object({
  networks: z.array(z.string().max(64)).max(256),
});
export type TrustedNetworks = z.infer<typeof TrustedNetworks>;
