import { z } from 'zod';

/**
 * The server's listeners (S-4): `https` serves the console, the API and agents; `http` only
 * redirects to it; `admin` serves `/conf`.
 */
export const ListenerName = z.enum(['https', 'http', 'admin']);
export type ListenerName = z.infer<typeof ListenerName>;

/** A port an administrator saves (0, any free port, is for tests' config only). */
const SavedPort = z.int().min(1).max(65535);

/**
 * The ports an administrator saved in the admin console or with `tether admin ports set`.
 * They replace the config file's ports at the next start; `http: null` turns the redirect off.
 *
 * @example
 * const ports: PortSettings = { https: 443, http: 80, admin: 7615 };
 */
export const PortSettings = z
  .object({ https: SavedPort, http: SavedPort.nullable(), admin: SavedPort })
  .superRefine((ports, context) => {
    const taken = new Map<number, string>();
    for (const name of ListenerName.options) {
      const port = ports[name];
      if (port === null) continue;
      const other = taken.get(port);
      if (other)
        context.addIssue({
          code: 'custom',
          path: [name],
          message: `Port ${port} is already the ${other} port: each listener needs its own.`,
        });
      taken.set(port, name);
    }
  });
export type PortSettings = z.infer<typeof PortSettings>;

/**
 * One listener as the server runs it: the port it was asked to bind, where that came from,
 * and what happened (bound on `port`, failed with a `reason`, or turned off).
 *
 * @example
 * const state: ListenerState = { name: 'http', host: '0.0.0.0', requested: 80, source: 'console',
 *   status: 'failed', code: 'EACCES', reason: 'permission denied (ports below 1024 need privileges)' };
 */
export const ListenerState = z.object({
  name: ListenerName,
  host: z.string(),
  /** The port asked for at start (0: any free port); null: the listener is off. */
  requested: z.int().nullable(),
  /** `config`: file or defaults; `console`: saved ports; `startup`: a flag or variable (wins). */
  source: z.enum(['config', 'console', 'startup']),
  status: z.enum(['bound', 'failed', 'off']),
  /** The port actually bound. */
  port: z.int().optional(),
  /** Why it could not be bound (`EADDRINUSE`, `EACCES`, …), in words. */
  code: z.string().optional(),
  reason: z.string().optional(),
});
export type ListenerState = z.infer<typeof ListenerState>;

/** The ports page: each listener's state now, what is saved for the next start. */
export const PortsStatus = z.object({
  listeners: z.array(ListenerState),
  /** What the admin console saved; null: the config file's ports are used. */
  saved: PortSettings.nullable(),
  /** Listeners whose port a flag or variable fixes: the saved value does not apply to them. */
  pinned: z.array(ListenerName),
  /** Saved ports differ from those in use: they apply when the server restarts. */
  restartRequired: z.boolean(),
});
export type PortsStatus = z.infer<typeof PortsStatus>;
