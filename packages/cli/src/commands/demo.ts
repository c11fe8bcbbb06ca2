import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceGroupService } from '@tether/server';
import { AppError } from '@tether/protocol/app-error';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { consoleDir } from '../console-dir.js';
import { pinnedListeners, serverConfigFrom, serverFlagOptions } from '../server-config.js';
import { cliEntry } from '../self.js';
import {
  DESKTOP_CHOICES,
  planDesktop,
  readDesktopMachine,
  startDemoDesktop,
  type DemoDesktop,
  type DesktopChoice,
} from './demo-desktop.js';
import { waitForSignal } from './wait-for-signal.js';
import { AGENT_V8_FLAGS, SERVER_V8_FLAGS, applyV8Flags, releaseStartUpMemory } from './v8-flags.js';

export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Run Tether on this machine: the server, plus an agent for this machine in user mode (what `npm start` runs).',
  usage: `tether demo [--desktop auto|display|virtual|off] [server options]

Starts the server (data in ./tether-data, console on https://localhost:8443, admin interface on
https://localhost:7615/conf), enrols this machine on first run and runs its agent. Accepts the
options of \`tether server\`. Logs go to <data-dir>/server.log and <data-dir>/agent.log.

--desktop: what "Open desktop" on this machine's device shows.
  auto (default): this user's X display ($DISPLAY) when x11vnc is installed (not in a Wayland
    session: x11vnc would see no screen there), else a private virtual display when Xvfb and
    x11vnc are installed (with a terminal if xterm is), else none (the demo says what to
    install: sudo apt install xvfb x11vnc xterm).
  display: this user's X display only. virtual: a private virtual display even with a display.
  off: no desktop.`,
  options: { ...serverFlagOptions, desktop: { type: 'string' } },
  async run(input) {
    const desktopChoice = desktopOption(input);
    // First: the config's schemas are start-up code too (this process runs the server).
    applyV8Flags(SERVER_V8_FLAGS);
    const config = await serverConfigFrom(input);
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const [{ enrollAgent }, { createLogger, runServer }] = await Promise.all([
      import('@tether/agent'),
      import('@tether/server'),
    ]);
    const log = createLogger({
      level: 'info',
      destination: createWriteStream(join(config.dataDir, 'server.log'), { flags: 'a' }),
    });
    input.out('Starting the Tether server…');
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
    if (!server.url) {
      await running.close();
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
    const desktop = await startDemoDesktop(
      planDesktop(desktopChoice, await readDesktopMachine(input.env)),
    );
    const agent = superviseAgent(agentDir, join(config.dataDir, 'agent.log'), {
      desktop,
      out: input.out,
    });
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
    input.out(`  Desktop:   ${desktop.summary}`);
    input.out('');
    input.out('Press Ctrl+C to stop.');
    const failed = await Promise.race([waitForSignal(), running.failed.then(() => true)]);
    if (failed === true)
      input.out(
        `The server could not start again after its restart; see ${join(config.dataDir, 'server.log')}.`,
      );
    input.out('Stopping…');
    // Together: each ends on its own (x11vnc with the agent, the agent's link with the server).
    await Promise.all([agent.stop(), desktop.stop(), running.close()]);
    return failed === true ? 1 : 0;
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

function desktopOption(input: CommandInput): DesktopChoice {
  const value = stringOption(input, 'desktop') ?? 'auto';
  const choice = DESKTOP_CHOICES.find((candidate) => candidate === value);
  if (choice === undefined)
    throw new AppError(
      'INVALID_INPUT',
      `--desktop takes ${DESKTOP_CHOICES.join(', ')}, not "${value}".`,
    );
  return choice;
}

/** An agent with a desktop that ends sooner than this after its start failed to serve it. */
const DESKTOP_START_MS = 60_000;
/** How long the agent gets to end after SIGTERM before SIGKILL. */
const AGENT_STOP_GRACE_MS = 10_000;

/**
 * Runs this machine's agent with its desktop. An agent that cannot serve the desktop (a display
 * x11vnc cannot open) ends at start: it is started again once without a desktop, and the demo
 * says so, rather than leave the demo without its device.
 */
function superviseAgent(
  dataDir: string,
  logFile: string,
  options: { desktop: DemoDesktop; out: (line: string) => void },
): { stop(): Promise<void> } {
  const log = createWriteStream(logFile, { flags: 'a' });
  let isStopping = false;
  const startedAt = Date.now();
  let child = startAgentProcess(dataDir, log, options.desktop);
  const onExit = (code: number | null, hasDesktop: boolean): void => {
    if (isStopping) return;
    if (!hasDesktop || Date.now() - startedAt > DESKTOP_START_MS) {
      options.out(`This machine's agent stopped (exit code ${String(code)}); see ${logFile}.`);
      return;
    }
    options.out(
      `This machine's agent could not start with its desktop (see ${logFile}); it runs without one now.`,
    );
    child = startAgentProcess(dataDir, log);
    child.once('exit', (next) => onExit(next, false));
  };
  child.once('exit', (code) => onExit(code, options.desktop.agentArgs.length > 0));
  return {
    async stop() {
      isStopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), AGENT_STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function startAgentProcess(
  dataDir: string,
  log: NodeJS.WritableStream,
  desktop?: DemoDesktop,
): ChildProcess {
  const flags = [...AGENT_V8_FLAGS, ...cliEntry(), 'agent', 'run', '--data-dir', dataDir];
  const child = spawn(process.execPath, [...flags, ...(desktop?.agentArgs ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...desktop?.agentEnv },
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  return child;
}
