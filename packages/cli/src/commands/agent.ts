import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AgentHandle } from '@tether/agent';
import { AppError } from '@tether/protocol/app-error';
import { requireOption, stringOption, type Command, type CommandInput } from '../command.js';
import { waitForSignal } from './wait-for-signal.js';
import { setUpDesktop } from './agent-desktop-option.js';
import { assistanceOptions } from './agent-assistance-option.js';
import { AGENT_V8_FLAGS, applyV8Flags } from './v8-flags.js';

/** The agent data directory: --data-dir, TETHER_AGENT_DATA_DIR or ~/.tether-agent. */
export const agentDataDir = (input: CommandInput): string =>
  stringOption(input, 'data-dir') ??
  input.env.TETHER_AGENT_DATA_DIR ??
  join(homedir(), '.tether-agent');

const PROXY_HELP = `Behind an HTTP proxy, set HTTPS_PROXY=http://[user:password@]proxy:port (NO_PROXY lists
hosts reached directly). The agent tunnels with CONNECT; TLS to the server stays end to end.`;

/** A word as a POSIX shell reads it back: quoted only when it needs to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The exact command that runs the agent just enrolled: the data directory is named whenever it
 * is not the default, so copying the line works from any shell and any working directory.
 */
function agentRunCommandLine(dataDir: string): string {
  const isDefault = dataDir === join(homedir(), '.tether-agent');
  return isDefault
    ? 'tether agent run'
    : `tether agent run --data-dir ${shellWord(resolve(dataDir))}`;
}

export const agentEnrollCommand: Command = {
  name: 'agent enroll',
  summary: 'Enrol this machine with a Tether server using an installer token.',
  usage: `tether agent enroll --server URL --token TOKEN [--data-dir DIR] [--force]

  --server URL     the server's https URL, as printed with the installer
  --token TOKEN    the installer's enrolment token
  --data-dir DIR   where the agent keeps its identity (default ~/.tether-agent,
                   env TETHER_AGENT_DATA_DIR; a service install uses /var/lib/tether-agent)
  --force          enrol again although DIR already holds an enrolment: this makes a new
                   device and the old one stays in the console (remove it there)

${PROXY_HELP}`,
  options: {
    server: { type: 'string' },
    token: { type: 'string' },
    'data-dir': { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(input) {
    const { createLogger, enrollAgent, enrolledDevice } = await import('@tether/agent');
    const log = createLogger({
      level: stringOption(input, 'log-level') ?? 'warn',
      destination: process.stderr,
    });
    const dataDir = agentDataDir(input);
    const existing = await enrolledDevice(dataDir);
    if (existing && input.values['force'] !== true) {
      throw new AppError(
        'CONFLICT',
        `This machine is already enrolled: ${resolve(dataDir)} is device ${existing.deviceId} of ${existing.serverUrl}. Enrolling again would make a second device. Use that one (${agentRunCommandLine(dataDir)}), or add --force to enrol anew and remove the old device in the console.`,
      );
    }
    const result = await enrollAgent({
      serverUrl: requireOption(input, 'server', 'agent enroll'),
      token: requireOption(input, 'token', 'agent enroll'),
      dataDir,
      log,
    });
    input.out(
      `Enrolled as device ${result.deviceId} ("${result.name}"). Start it with: ${agentRunCommandLine(dataDir)}\n` +
        'Add --vnc HOST:PORT (a VNC server on this device) to allow desktop sessions.',
    );
    return 0;
  },
};

export const agentRunCommand: Command = {
  name: 'agent run',
  summary:
    'Run the agent: keep a connection to the server and serve the sessions technicians open.',
  usage: `tether agent run [--data-dir DIR] [--log-level LEVEL] [--no-spare-shell] [--file-root DIR]…
                 [--vnc HOST:PORT [--vnc-password-file FILE] | --x11vnc-display :N]

  --no-spare-shell   do not keep a shell started ahead of time (terminals then open ~100 ms slower)
  --file-root DIR    a folder file transfer sessions may use (repeatable; default: your home folder)
  --vnc HOST:PORT    the local VNC server desktop sessions show (e.g. 127.0.0.1:5900)
  --vnc-password-file FILE  its password (first line); it never leaves this device
  --x11vnc-display :N  instead of --vnc: start x11vnc on that X display (loopback, random password)
  --consent-timeout SEC  how long the user has to accept a session request (default 30)
  --user-presence auto|present|absent|locked|file:PATH  whether a user is at the device, for
                     dynamic sessions and presence policies (default auto: ask logind;
                     file:PATH reads present, absent or locked from PATH at every check)
  --presence-interval SEC  how often presence is checked (default 5)
  --passive-port N   a passive agent listens for wake-ups on this port instead of the
                     server's (default 5832); allow it inbound on this device's firewall

Connects outbound to the server it was enrolled with and reconnects with backoff when the
connection drops. Stop it with Ctrl+C or SIGTERM.

${PROXY_HELP}`,
  options: {
    'data-dir': { type: 'string' },
    'log-level': { type: 'string' },
    'no-spare-shell': { type: 'boolean' },
    'file-root': { type: 'string', multiple: true },
    vnc: { type: 'string' },
    'vnc-password-file': { type: 'string' },
    'x11vnc-display': { type: 'string' },
    'consent-timeout': { type: 'string' },
    'user-presence': { type: 'string' },
    'presence-interval': { type: 'string' },
    'passive-port': { type: 'string' },
  },
  async run(input) {
    applyV8Flags(AGENT_V8_FLAGS); // before the agent's modules load: their start is what the flags tame
    const { createLogger, runAgent } = await import('@tether/agent');
    const log = createLogger({ level: stringOption(input, 'log-level') ?? 'info' });
    const desktop = await setUpDesktop(input, { log, dataDir: agentDataDir(input) });
    let agent: AgentHandle;
    try {
      agent = await runAgent({
        dataDir: agentDataDir(input),
        log,
        spareShell: input.values['no-spare-shell'] !== true,
        ...fileRootsOption(input.values['file-root']),
        ...desktop.options,
        ...(await assistanceOptions(input)),
        ...passivePortOption(stringOption(input, 'passive-port')),
      });
    } catch (error) {
      await desktop.stop(); // x11vnc would otherwise outlive the agent
      throw error;
    }
    await waitForSignal();
    await agent.stop();
    await desktop.stop();
    return 0;
  },
};

function fileRootsOption(value: CommandInput['values'][string]): { fileRoots?: string[] } {
  if (value === undefined || typeof value === 'boolean') return {};
  return { fileRoots: (Array.isArray(value) ? value : [value]).map((root) => resolve(root)) };
}

/** `--passive-port N` (A-10): where a passive agent listens, when not the server's port. */
function passivePortOption(text: string | undefined): { passivePort?: number } {
  if (text === undefined) return {};
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new AppError(
      'INVALID_INPUT',
      `--passive-port takes a port from 1 to 65535, not "${text}".`,
    );
  return { passivePort: port };
}
