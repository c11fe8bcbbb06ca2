import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { ConsentIpcReply, ConsentIpcRequest } from '@tether/protocol';
import { AppError } from '@tether/protocol/app-error';
import type { Command, CommandInput } from '../command.js';
import { agentDataDir } from './agent.js';

/** Sends one request to the running agent's consent socket and returns its reply. */
export async function askAgent(
  input: CommandInput,
  request: ConsentIpcRequest,
): Promise<ConsentIpcReply> {
  // The schemas load zod, which `tether --help` must not pay for: they load when a command runs.
  const { CONSENT_SOCKET_FILE, ConsentIpcReply } = await import('../schemas.js');
  const socketPath = join(agentDataDir(input), CONSENT_SOCKET_FILE);
  const text = await new Promise<string>((resolve, reject) => {
    let reply = '';
    const socket = createConnection(socketPath, () => {
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('end', () => resolve(reply));
    socket.on('error', () =>
      reject(
        new AppError(
          'UNAVAILABLE',
          `Cannot reach the agent at ${socketPath}: is \`tether agent run\` running with this --data-dir, as this user?`,
        ),
      ),
    );
  });
  const parsed = ConsentIpcReply.safeParse(JSON.parse(text || 'null'));
  if (!parsed.success) throw new AppError('INTERNAL', 'The agent sent an unreadable reply.');
  if (!parsed.data.ok) throw new AppError(parsed.data.error.code, parsed.data.error.message);
  return parsed.data;
}

function sessionId(input: CommandInput, usage: string): string {
  const [id] = input.positionals;
  if (!id) throw new AppError('INVALID_INPUT', `Name the session: ${usage}`);
  return id;
}

export const dataDirOption = { 'data-dir': { type: 'string' } } as const;
export const dataDirHelp = '  --data-dir DIR   the agent data directory (default ~/.tether-agent)';

const listCommand: Command = {
  name: 'agent prompts list',
  summary: 'Show the session requests waiting for your answer, and the running sessions.',
  usage: `tether agent prompts list [--data-dir DIR]\n\n${dataDirHelp}`,
  options: dataDirOption,
  async run(input) {
    const reply = await askAgent(input, { op: 'list' });
    if (!reply.ok) return 1;
    if (reply.prompts.length === 0) input.out('No session requests are waiting.');
    for (const prompt of reply.prompts) {
      const left = Math.max(0, Math.round((prompt.expiresAt - Date.now()) / 1000));
      input.out(
        `${prompt.id}  ${prompt.technician} asks for a ${prompt.kind} session (${prompt.mode}; may ${prompt.rights.join(', ') || 'nothing'}); answer within ${left} s: tether agent prompts accept|deny ${prompt.id}`,
      );
    }
    for (const session of reply.sessions) {
      const guests = session.guests?.length ? ` with ${session.guests.join(', ')}` : '';
      input.out(
        `${session.id}  running: ${session.kind} session of ${session.technician}${guests}; end it with: tether agent sessions end ${session.id}`,
      );
    }
    return 0;
  },
};

const answerCommand = (accepted: boolean): Command => {
  const verb = accepted ? 'accept' : 'deny';
  const usage = `tether agent prompts ${verb} SESSION_ID [--data-dir DIR]`;
  return {
    name: `agent prompts ${verb}`,
    summary: accepted
      ? 'Let a technician in: accept a waiting session request.'
      : 'Refuse a waiting session request.',
    usage: `${usage}\n\n${dataDirHelp}`,
    options: dataDirOption,
    allowPositionals: true,
    async run(input) {
      const id = sessionId(input, usage);
      await askAgent(input, { op: verb, id });
      input.out(accepted ? `Accepted ${id}.` : `Denied ${id}.`);
      return 0;
    },
  };
};

const endCommand: Command = {
  name: 'agent sessions end',
  summary: 'End a running session on this device at once.',
  usage: `tether agent sessions end SESSION_ID [--data-dir DIR]\n\n${dataDirHelp}`,
  options: dataDirOption,
  allowPositionals: true,
  async run(input) {
    const id = sessionId(input, 'tether agent sessions end SESSION_ID');
    await askAgent(input, { op: 'end', id });
    input.out(`Ended ${id}.`);
    return 0;
  },
};

/** `tether agent prompts list|accept|deny` and `tether agent sessions end` (M-1). */
export const agentPromptCommands: Command[] = [
  listCommand,
  answerCommand(true),
  answerCommand(false),
  endCommand,
];
