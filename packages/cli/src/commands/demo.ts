import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceGroupService } from '@tether/server';
import type { Command } from '../command.js';
import { consoleDir } from '../console-dir.js';
import { pinnedListeners, serverConfigFrom, serverFlagOptions } from '../server-config.js';
import { cliEntry } from '../self.js';
import { waitForSignal } from './wait-for-signal.js';
import { AGENT_V8_FLAGS, SERVER_V8_FLAGS, applyV8Flags, releaseStartUpMemory } from './v8-flags.js';

export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Run Tether on this machine: the server, plus an agent for this machine in user mode (what `npm start` runs).',
  usage: `tether demo [server options]

Starts the server (data in ./tether-data, console on https://localhost:8443, admin interface on
https://localhost:7615/conf), enrols this machine on first run and runs its agent. Accepts the
options of \`tether server\`. Logs go to <data-dir>/server.log and <data-dir>/agent.log.`,
  options: { ...serverFlagOptions },
  async run(input) {
    // First: the config's schemas are start-up code too (this process runs the server).
    applyV8Flags(SERVER_V8_FLAGS);
    const config = await serverConfigFrom(input);
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const [{ enrollAgent }, { createLogger, startServer }] = await Promise.all([
      import('@tether/agent'),
      import('@tether/server'),
    ]);
    const log = createLogger({
      level: 'info',
      destination: createWriteStream(join(config.dataDir, 'server.log'), { flags: 'a' }),
    });
    input.out('Starting the Tether server…');
    const server = await startServer({
      config,
      log,
      adminPassword: input.env.TETHER_ADMIN_PASSWORD,
      consoleDir,
      pinnedListeners: pinnedListeners(input),
    });
    releaseStartUpMemory();
    if (!server.url) {
      await server.close();
      input.out(
        `The console port ${config.listen.port} could not be bound (see ${join(config.dataDir, 'server.log')}); try --port.`,
      );
      return 1;
    }
    const localUrl = `https://localhost:${new URL(server.url).port}`;
    const agentDir = join(config.dataDir, 'agent');
    if (!existsSync(join(agentDir, 'agent.json'))) {
      input.out('Enrolling this machine…');
      await ensureDemoGroup(server.context.groups);
      const installer = await server.context.installers.create({
        group: DEMO_GROUP,
        validForSec: 600,
        maxInstalls: 1,
        comment: 'Created by tether demo',
        createdBy: 'demo',
        serverUrl: localUrl,
      });
      await enrollAgent({ serverUrl: localUrl, token: installer.token, dataDir: agentDir, log });
    }
    const agent = startAgentProcess(agentDir, join(config.dataDir, 'agent.log'));
    input.out('');
    input.out(
      `  Console:   ${server.url}   (self-signed certificate: your browser will ask you to accept it)`,
    );
    input.out(`  Username:  admin`);
    input.out(
      server.initialAdmin
        ? `  Password:  ${server.initialAdmin.password}   (shown once — keep it)`
        : '  Password:  set on first start; forgot it? npm run tether -- admin reset-password',
    );
    if (server.adminUrl) input.out(`  Admin:     ${server.adminUrl}   (localhost only)`);
    input.out(`  This machine's agent is running (user mode); it appears under Devices.`);
    input.out('');
    input.out('Press Ctrl+C to stop.');
    await waitForSignal();
    input.out('Stopping…');
    agent.kill('SIGTERM');
    await server.close();
    return 0;
  },
};

/** The device group this machine joins in the demo. */
const DEMO_GROUP = 'This server';

/** Creates the demo's group unless it exists (installers refuse a group nobody created). */
async function ensureDemoGroup(groups: DeviceGroupService): Promise<void> {
  const existing = await groups.list();
  if (existing.some((group) => group.name.toLowerCase() === DEMO_GROUP.toLowerCase())) return;
  await groups.create(
    { name: DEMO_GROUP, description: 'The machine running tether demo.' },
    { username: 'demo' },
  );
}

function startAgentProcess(dataDir: string, logFile: string): ChildProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const flags = [...AGENT_V8_FLAGS, ...cliEntry(), 'agent', 'run', '--data-dir', dataDir];
  const child = spawn(process.execPath, flags, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  return child;
}
