import type { Command } from '../command.js';
import { consoleDir } from '../console-dir.js';
import { printableConfig, serverConfigFrom, serverFlagOptions } from '../server-config.js';
import { SERVER_V8_FLAGS, applyV8Flags, releaseStartUpMemory } from './v8-flags.js';

export const serverCommand: Command = {
  name: 'server',
  summary: 'Run the Tether server: console, API, agent connections, relay and the admin interface.',
  usage: `tether server [options]

  --data-dir DIR      database, keys and recordings (default ./tether-data, env TETHER_DATA_DIR)
  --config FILE       JSON config file (see README); flags and TETHER_* variables override it
  --host ADDRESS      address to bind (default 0.0.0.0)
  --port N            console/agent HTTPS port (default 8443)
  --admin-port N      admin interface port, path /conf (default 7615)
  --database URL      sqlite:FILE (default in the data dir) or postgres://...
  --public-url URL    https URL agents and browsers use to reach this server
  --log-level LEVEL   fatal|error|warn|info|debug|trace|silent (default info)
  --print-config      print the effective configuration and exit

Deadlines and limits (connections.*, tls.ciphers, sessions.maxLifetimeSec, agents.*,
audit.retentionDays) are config-file keys: see the README's Configuration section.

The first start creates the administrator "admin" with a random password printed once
(or TETHER_ADMIN_PASSWORD).`,
  options: { ...serverFlagOptions, 'print-config': { type: 'boolean' } },
  async run(input) {
    // First: the config's schemas are start-up code too (this process runs the server).
    applyV8Flags(SERVER_V8_FLAGS);
    const config = await serverConfigFrom(input);
    if (input.values['print-config']) {
      input.out(JSON.stringify(printableConfig(config), null, 2));
      return 0;
    }
    const { createLogger, startServer } = await import('@tether/server');
    const log = createLogger({ level: config.logLevel });
    const server = await startServer({
      config,
      log,
      adminPassword: input.env.TETHER_ADMIN_PASSWORD,
      consoleDir,
    });
    releaseStartUpMemory();
    if (server.url) input.out(`Console:         ${server.url}`);
    if (server.adminUrl) input.out(`Admin interface: ${server.adminUrl}`);
    if (server.initialAdmin) {
      input.out(`Administrator:   ${server.initialAdmin.username}`);
      if (server.initialAdmin.generated)
        input.out(
          `Password:        ${server.initialAdmin.password}   (shown once; reset with \`tether admin reset-password\`)`,
        );
    }
    await waitForSignal();
    await server.close();
    return 0;
  },
};

/** Resolves on SIGINT or SIGTERM, so the caller can shut down cleanly. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
