import { homedir } from 'node:os';
import { join } from 'node:path';
import { enrollAgent, runAgent } from '@tether/agent';
import { createLogger } from '@tether/server';
import { requireOption, stringOption, type Command, type CommandInput } from '../command.js';
import { waitForSignal } from './server.js';

const agentDataDir = (input: CommandInput): string =>
  stringOption(input, 'data-dir') ??
  input.env.TETHER_AGENT_DATA_DIR ??
  join(homedir(), '.tether-agent');

export const agentEnrollCommand: Command = {
  name: 'agent enroll',
  summary: 'Enrol this machine with a Tether server using an installer token.',
  usage: `tether agent enroll --server URL --token TOKEN [--data-dir DIR]

  --server URL     the server's https URL, as printed with the installer
  --token TOKEN    the installer's enrolment token
  --data-dir DIR   where the agent keeps its identity (default ~/.tether-agent,
                   env TETHER_AGENT_DATA_DIR; a service install uses /var/lib/tether-agent)`,
  options: {
    server: { type: 'string' },
    token: { type: 'string' },
    'data-dir': { type: 'string' },
  },
  async run(input) {
    const log = createLogger({
      level: stringOption(input, 'log-level') ?? 'warn',
      destination: process.stderr,
    });
    const result = await enrollAgent({
      serverUrl: requireOption(input, 'server', 'agent enroll'),
      token: requireOption(input, 'token', 'agent enroll'),
      dataDir: agentDataDir(input),
      log,
    });
    input.out(
      `Enrolled as device ${result.deviceId} ("${result.name}"). Start it with: tether agent run`,
    );
    return 0;
  },
};

export const agentRunCommand: Command = {
  name: 'agent run',
  summary:
    'Run the agent: keep a connection to the server and serve the sessions technicians open.',
  usage: `tether agent run [--data-dir DIR] [--log-level LEVEL] [--no-spare-shell]

  --no-spare-shell   do not keep a shell started ahead of time (terminals then open ~100 ms slower)

Connects outbound to the server it was enrolled with and reconnects with backoff when the
connection drops. Stop it with Ctrl+C or SIGTERM.`,
  options: {
    'data-dir': { type: 'string' },
    'log-level': { type: 'string' },
    'no-spare-shell': { type: 'boolean' },
  },
  async run(input) {
    const log = createLogger({ level: stringOption(input, 'log-level') ?? 'info' });
    const agent = await runAgent({
      dataDir: agentDataDir(input),
      log,
      spareShell: input.values['no-spare-shell'] !== true,
    });
    await waitForSignal();
    await agent.stop();
    return 0;
  },
};
