import type { ConsentIpcReply } from '@tether/protocol';
import { formatAccessId } from '@tether/protocol/access-id';
import type { Command, CommandInput } from '../command.js';
import { askAgent, dataDirHelp, dataDirOption } from './agent-prompts.js';

type Listing = Extract<ConsentIpcReply, { ok: true }>;

function since(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 19);
}

/** The running sessions and the unattended accesses, as the user at the device reads them. */
function describe(reply: Listing, out: (line: string) => void): void {
  if (reply.sessions.length === 0) out('No session is running on this device.');
  for (const session of reply.sessions) {
    out(
      `${session.id}  ${session.kind} session of ${session.technician}${session.startedAt ? `, since ${since(session.startedAt)} UTC` : ''}; end it with: tether agent sessions end ${session.id}`,
    );
  }
  if (reply.unattended.length === 0) out('Unattended access is off.');
  for (const access of reply.unattended) {
    out(
      `Unattended access ${formatAccessId(access.accessId)} is on since ${since(access.enabledAt)} UTC (${access.sessions} session(s) now); turn it off with: tether agent unattended off ${access.accessId}`,
    );
  }
}

/** A command that shows part of the agent's listing. */
function listingCommand(
  name: string,
  summary: string,
  print: (reply: Listing, out: (line: string) => void) => void,
): Command {
  return {
    name,
    summary,
    usage: `tether ${name} [--data-dir DIR]\n\n${dataDirHelp}`,
    options: dataDirOption,
    async run(input: CommandInput) {
      const reply = await askAgent(input, { op: 'list' });
      if (!reply.ok) return 1;
      print(reply, input.out);
      return 0;
    },
  };
}

const listCommand = listingCommand(
  'agent sessions list',
  'Show the sessions running on this device and whether unattended access is on.',
  describe,
);

const statusCommand = listingCommand(
  'agent unattended status',
  'Show whether the unattended service is on, and for which access.',
  (reply, out) => {
    if (reply.unattended.length === 0) out('Unattended access is off.');
    for (const access of reply.unattended) {
      out(
        `on  ${formatAccessId(access.accessId)}  since ${since(access.enabledAt)} UTC  sessions ${access.sessions}`,
      );
    }
  },
);

const offCommand: Command = {
  name: 'agent unattended off',
  summary:
    'Turn unattended access off now: its one-time password stops working and the server ends its sessions.',
  usage: `tether agent unattended off [SESSION_ID] [--data-dir DIR]\n\nWithout SESSION_ID, every unattended access of this device is turned off; with it, only when it is the one on (see tether agent unattended status). The server is told: it revokes the access, ends its sessions and audits it.\n\n${dataDirHelp}`,
  options: dataDirOption,
  allowPositionals: true,
  async run(input: CommandInput) {
    const [accessId] = input.positionals;
    await askAgent(input, {
      op: 'unattended-off',
      ...(accessId ? { accessId: accessId.replace(/[\s-]/g, '') } : {}),
    });
    input.out(
      accessId
        ? `Unattended access ${formatAccessId(accessId)} is off.`
        : 'Unattended access is off.',
    );
    return 0;
  },
};

/** `tether agent sessions list` and `tether agent unattended status|off` (M-1, M-2). */
export const agentUnattendedCommands: Command[] = [listCommand, statusCommand, offCommand];
