import { AppError } from '@tether/protocol/app-error';
import type { Team } from '@tether/protocol';
import type { Store, TeamService } from '@tether/server';
import type { Command, CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether users`, these work on the data directory (while the server runs or not); a
// running server applies a change at the next request.

/** The audit log's name for changes made here. */
export const HEADLESS = { username: 'system' } as const;

/** What a team command works with: the team service and the store to look names up. */
export interface TeamTools {
  teams: TeamService;
  store: Store;
  /** The team of this name (case-insensitive); `NOT_FOUND` when there is none. */
  team(name: string): Promise<Team>;
  /** The user of this username; `NOT_FOUND` when there is none. */
  userId(username: string): Promise<string>;
}

/** Runs `work` with the team service of the data directory's store. */
export async function withTeams<T>(
  input: CommandInput,
  work: (tools: TeamTools) => Promise<T>,
): Promise<T> {
  const { createTeamService, systemClock } = await import('@tether/server');
  return withStore(await serverConfigFrom(input), ({ store, audit }) => {
    const teams = createTeamService({ store, clock: systemClock, audit });
    return work({
      teams,
      store,
      async team(name) {
        const found = (await teams.list()).find(
          (team) => team.name.toLowerCase() === name.toLowerCase(),
        );
        if (!found) throw new AppError('NOT_FOUND', `There is no team "${name}".`);
        return found;
      },
      async userId(username) {
        const user = await store.users.findByUsername(username);
        if (!user) throw new AppError('NOT_FOUND', `There is no user "${username}".`);
        return user.id;
      },
    });
  });
}

/** Exactly `count` positional arguments, or a usage error. */
export function argumentsOf(input: CommandInput, command: string, count: number): string[] {
  if (input.positionals.length !== count)
    throw new AppError(
      'INVALID_INPUT',
      `Expected ${count} argument${count === 1 ? '' : 's'}. Run \`tether teams ${command} --help\` for usage.`,
    );
  return input.positionals;
}

const listCommand: Command = {
  name: 'teams list',
  summary: 'List the teams and their members.',
  usage: `tether teams list [--data-dir DIR]

One team a line, tab-separated: name, then its members' usernames separated by commas.`,
  options: { ...dataDirOptions },
  async run(input) {
    const teams = await withTeams(input, ({ teams: service }) => service.list());
    input.out(
      [
        'TEAM\tMEMBERS',
        ...teams.map(
          (team) => `${team.name}\t${team.members.map((member) => member.username).join(',')}`,
        ),
      ].join('\n'),
    );
    return 0;
  },
};

const createCommand: Command = {
  name: 'teams create',
  summary: 'Create a team of users.',
  usage: `tether teams create NAME [--data-dir DIR]

Team names are unique in any letter case. Grant the team rights on device groups with
\`tether teams grant\`.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [name = ''] = argumentsOf(input, 'create', 1);
    const team = await withTeams(input, ({ teams }) => teams.create({ name }, HEADLESS));
    input.out(`Created team ${team.name}.`);
    return 0;
  },
};

const renameCommand: Command = {
  name: 'teams rename',
  summary: 'Rename a team; its members and grants stay.',
  usage: 'tether teams rename NAME NEW-NAME [--data-dir DIR]',
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [name = '', newName = ''] = argumentsOf(input, 'rename', 2);
    const team = await withTeams(input, async (tools) =>
      tools.teams.rename((await tools.team(name)).id, { name: newName }, HEADLESS),
    );
    input.out(`Renamed team ${name} to ${team.name}.`);
    return 0;
  },
};

const deleteCommand: Command = {
  name: 'teams delete',
  summary: 'Delete a team and its grants.',
  usage: `tether teams delete NAME [--data-dir DIR]

Its members keep only the rights they have from other teams or their own grants.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [name = ''] = argumentsOf(input, 'delete', 1);
    await withTeams(input, async (tools) =>
      tools.teams.delete((await tools.team(name)).id, HEADLESS),
    );
    input.out(`Deleted team ${name}.`);
    return 0;
  },
};

/** `teams add-member` and `teams remove-member`. */
function memberCommand(adding: boolean): Command {
  const verb = adding ? 'add-member' : 'remove-member';
  return {
    name: `teams ${verb}`,
    summary: adding ? 'Add a user to a team.' : 'Remove a user from a team.',
    usage: `tether teams ${verb} TEAM USERNAME [--data-dir DIR]`,
    options: { ...dataDirOptions },
    allowPositionals: true,
    async run(input) {
      const [name = '', username = ''] = argumentsOf(input, verb, 2);
      await withTeams(input, async (tools) => {
        const team = await tools.team(name);
        const userId = await tools.userId(username);
        return adding
          ? tools.teams.addMember(team.id, userId, HEADLESS)
          : tools.teams.removeMember(team.id, userId, HEADLESS);
      });
      input.out(adding ? `${username} is in team ${name}.` : `${username} left team ${name}.`);
      return 0;
    },
  };
}

export const teamCommands: Command[] = [
  listCommand,
  createCommand,
  renameCommand,
  deleteCommand,
  memberCommand(true),
  memberCommand(false),
];
