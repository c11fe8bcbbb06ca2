import { writeFile } from 'node:fs/promises';
import { stringOption, type Command } from '../command.js';
import { consoleDir } from '../console-dir.js';
import {
  pinnedListeners,
  printableConfig,
  serverConfigFrom,
  serverFlagOptions,
} from '../server-config.js';
import { SERVER_V8_FLAGS, applyV8Flags, releaseStartUpMemory } from './v8-flags.js';
import { waitForSignal } from './wait-for-signal.js';

export const serverCommand: Command = {
  name: 'server',
  summary: 'Run the Tether server: console, API, agent connections, relay and the admin interface.',
  usage: `tether server [options]

  --data-dir DIR      database, keys and recordings (default ./tether-data, env TETHER_DATA_DIR)
  --config FILE       JSON config file (see README); flags and TETHER_* variables override it
  --host ADDRESS      address to bind (default 0.0.0.0)
  --port N            console/agent HTTPS port (default 8443; alias --https-port)
  --http-port N       plain HTTP port redirecting to HTTPS (default: off)
  --admin-port N      admin interface port, path /conf (default 7615)
  --database URL      sqlite:FILE (default in the data dir) or postgres://...
  --database-pool-size N
                      PostgreSQL connections this node opens at most (default 10;
                      env TETHER_DATABASE_POOL_SIZE; config databasePool.maxConnections)
  --public-url URL    https URL agents and browsers use to reach this server
  --log-level LEVEL   fatal|error|warn|info|debug|trace|silent (default info)
  --nats URL          cluster mode: join the nodes sharing this NATS server and the
                      --database postgres://… (env TETHER_NATS; see README "Cluster mode")
  --node-id ID        this node's name in the node list (default a new node-… per start)
  --node-url URL      https URL where the other nodes reach this node directly
                      (default its HTTPS port on this machine's address)
  --print-config      print the effective configuration and exit
  --initial-password-file FILE
                      on first start, write the administrator's random password to FILE
                      (mode 600) instead of printing it (a service's output is its journal)

Deadlines and limits (connections.*, tls.ciphers, sessions.maxLifetimeSec, agents.*,
audit.retentionDays) are config-file keys: see the README's Configuration section.

Ports saved in the admin console (or \`tether admin ports set\`) replace the config file's at
the next start; a port flag or TETHER_*PORT variable wins over them. A port that cannot be
bound is logged and shown in the admin console, and the server goes on with the others; it
stops only if the HTTPS port cannot be bound.

To run as a systemd service: \`tether server install --help\`.

The first start creates the administrator "admin" with a random password printed once
(or TETHER_ADMIN_PASSWORD).`,
  options: {
    ...serverFlagOptions,
    'print-config': { type: 'boolean' },
    'initial-password-file': { type: 'string' },
  },
  async run(input) {
    // First: the config's schemas are start-up code too (this process runs the server).
    applyV8Flags(SERVER_V8_FLAGS);
    const config = await serverConfigFrom(input);
    if (input.values['print-config']) {
      input.out(JSON.stringify(printableConfig(config), null, 2));
      return 0;
    }
    const { createLogger, runServer } = await import('@tether/server');
    const log = createLogger({ level: config.logLevel });
    // Restarts in place when a restore from the admin console asks it to.
    const running = await runServer({
      config,
      log,
      adminPassword: input.env.TETHER_ADMIN_PASSWORD,
      consoleDir,
      pinnedListeners: pinnedListeners(input),
    });
    releaseStartUpMemory();
    const server = running.current;
    if (server.url) input.out(`Console:         ${server.url}`);
    if (server.adminUrl) input.out(`Admin interface: ${server.adminUrl}`);
    if (server.initialAdmin) {
      input.out(`Administrator:   ${server.initialAdmin.username}`);
      const passwordFile = stringOption(input, 'initial-password-file');
      if (server.initialAdmin.generated && passwordFile) {
        await writeFile(passwordFile, `${server.initialAdmin.password}\n`, { mode: 0o600 });
        input.out(`Password:        in ${passwordFile} (delete it once you have signed in)`);
      } else if (server.initialAdmin.generated)
        input.out(
          `Password:        ${server.initialAdmin.password}   (shown once; reset with \`tether admin reset-password\`)`,
        );
    }
    const failed = await Promise.race([waitForSignal(), running.failed.then(() => true)]);
    await running.close();
    return failed === true ? 1 : 0;
  },
};
