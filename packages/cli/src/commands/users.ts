import { AppError } from '@tether/protocol/app-error';
import type { UpdateUserRequest, User } from '@tether/protocol';
import type { RoleService, Store, UserService } from '@tether/server';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { readStdin, withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether admin reset-password`, these work on the data directory (while the server runs or
// not): they reach a server that lost its last administrator's password. A running server closes
// the connections of a user signed out here within seconds.

/** The audit log's name for changes made here. */
export const HEADLESS = { username: 'system', via: 'headless' } as const;

/** Runs `work` with the user service, the roles and the store of the data directory. */
export async function withUsers<T>(
  input: CommandInput,
  work: (users: UserService, roles: RoleService, store: Store) => Promise<T>,
): Promise<T> {
  const { createRoleService, createUserService, headlessLoginControl, systemClock } =
    await import('@tether/server');
  return withStore(await serverConfigFrom(input), ({ store, audit }) =>
    work(
      createUserService({
        store,
        clock: systemClock,
        audit,
        logins: headlessLoginControl(store),
      }),
      createRoleService({ store, clock: systemClock, audit }),
      store,
    ),
  );
}

/** The one USERNAME argument of a command. */
export function usernameOf(input: CommandInput, command: string): string {
  const [username, ...extra] = input.positionals;
  if (!username || extra.length > 0)
    throw new AppError(
      'INVALID_INPUT',
      `Give one username. Run \`tether users ${command} --help\` for usage.`,
    );
  return username;
}

/** The password from standard input, or a random one printed once. */
async function newPassword(input: CommandInput): Promise<{ password: string; generated: boolean }> {
  if (input.values['password-stdin']) return { password: await readStdin(), generated: false };
  const { generatePassword } = await import('@tether/server');
  return { password: generatePassword(), generated: true };
}

const passwordOptions = {
  'password-stdin': { type: 'boolean' },
  'keep-password': { type: 'boolean' },
} as const;

const PASSWORD_HELP = `Prints a random password once unless --password-stdin reads one (at least 12 characters).
The user must choose a new password at their next sign-in, unless --keep-password.`;

function describeUser(user: User, roleNames: ReadonlyMap<string, string>): string {
  const state = [
    user.disabled ? 'disabled' : 'enabled',
    ...(user.mustChangePassword ? ['must change password'] : []),
  ].join(', ');
  // Built-in roles by their IDs (as `--role` takes them), custom ones by name.
  const role = roleNames.get(user.role) ?? user.role;
  return [user.username, user.displayName || '-', role, state].join('\t');
}

/** Custom roles' names by ID (built-in roles are shown by their IDs, as `--role` takes them). */
async function customRoleNames(roles: RoleService): Promise<Map<string, string>> {
  const all = await roles.list();
  return new Map(all.filter((role) => !role.builtIn).map((role) => [role.id, role.name]));
}

const listCommand: Command = {
  name: 'users list',
  summary: 'List the console users: username, display name, role and state.',
  usage: `tether users list [--data-dir DIR]

One user a line, tab-separated: username, display name (- when none), role, state.`,
  options: { ...dataDirOptions },
  async run(input) {
    const { users, roleNames } = await withUsers(input, async (service, roles) => ({
      users: await service.list(),
      roleNames: await customRoleNames(roles),
    }));
    input.out(
      [
        'USERNAME\tDISPLAY NAME\tROLE\tSTATE',
        ...users.map((user) => describeUser(user, roleNames)),
      ].join('\n'),
    );
    return 0;
  },
};

const createCommand: Command = {
  name: 'users create',
  summary: 'Create a console user with a built-in or custom role.',
  usage: `tether users create USERNAME --role ROLE [--display-name NAME] [--password-stdin] [--keep-password] [--data-dir DIR]

ROLE is administrator, privileged, technician, auditor or a custom role's name (\`tether roles list\`).
${PASSWORD_HELP}`,
  options: {
    ...dataDirOptions,
    ...passwordOptions,
    role: { type: 'string' },
    'display-name': { type: 'string' },
  },
  allowPositionals: true,
  async run(input) {
    const username = usernameOf(input, 'create');
    const { password, generated } = await newPassword(input);
    const user = await withUsers(input, async (users, roles) =>
      users.create(
        {
          username,
          displayName: stringOption(input, 'display-name') ?? '',
          role: await roles.resolve(stringOption(input, 'role') ?? ''),
          password,
          mustChangePassword: !input.values['keep-password'],
        },
        HEADLESS,
      ),
    );
    input.out(
      generated
        ? `Created ${user.username} (${user.role}). Password: ${password}`
        : `Created ${user.username} (${user.role}).`,
    );
    return 0;
  },
};

/** `users disable` and `users enable`: the same change, either way. */
function enablingCommand(disabled: boolean): Command {
  const verb = disabled ? 'disable' : 'enable';
  return {
    name: `users ${verb}`,
    summary: disabled
      ? 'Disable a console user: signed out everywhere, and refused at sign-in until enabled.'
      : 'Enable a disabled console user again.',
    usage: `tether users ${verb} USERNAME [--data-dir DIR]${
      disabled ? '\n\nThe last enabled administrator cannot be disabled.' : ''
    }`,
    options: { ...dataDirOptions },
    allowPositionals: true,
    async run(input) {
      const username = usernameOf(input, verb);
      await withUsers(input, async (users) => {
        const user = await users.findByUsername(username);
        await users.update(user.id, { disabled }, HEADLESS);
      });
      input.out(`${username} ${disabled ? 'disabled' : 'enabled'}.`);
      return 0;
    },
  };
}

const deleteCommand: Command = {
  name: 'users delete',
  summary: 'Delete a console user; their audit trail and recordings stay.',
  usage: `tether users delete USERNAME [--data-dir DIR]

Signs the user out everywhere; the username becomes free. The last enabled administrator cannot
be deleted.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const username = usernameOf(input, 'delete');
    await withUsers(input, async (users) => {
      const user = await users.findByUsername(username);
      await users.delete(user.id, HEADLESS);
    });
    input.out(`${username} deleted.`);
    return 0;
  },
};

const resetPasswordCommand: Command = {
  name: 'users reset-password',
  summary: "Set a console user's password and sign them out everywhere.",
  usage: `tether users reset-password USERNAME [--password-stdin] [--keep-password] [--data-dir DIR]

${PASSWORD_HELP}`,
  options: { ...dataDirOptions, ...passwordOptions },
  allowPositionals: true,
  async run(input) {
    const username = usernameOf(input, 'reset-password');
    const { password, generated } = await newPassword(input);
    await withUsers(input, async (users) => {
      const user = await users.findByUsername(username);
      await users.resetPassword(
        user.id,
        { password, mustChangePassword: !input.values['keep-password'] },
        HEADLESS,
      );
    });
    input.out(
      generated ? `New password for ${username}: ${password}` : `Password for ${username} changed.`,
    );
    return 0;
  },
};

/** The changes `users edit` asks for; `INVALID_INPUT` when there are none or they contradict. */
function editsOf(input: CommandInput): UpdateUserRequest {
  const changes: UpdateUserRequest = {};
  const displayName = stringOption(input, 'display-name');
  if (displayName !== undefined) changes.displayName = displayName;
  // Checked by the service against the roles, with the message the API gives.
  const role = stringOption(input, 'role');
  if (role !== undefined) changes.role = role;
  const must = input.values['must-change-password'] === true;
  const mustNot = input.values['no-must-change-password'] === true;
  if (must && mustNot)
    throw new AppError(
      'INVALID_INPUT',
      'Give --must-change-password or --no-must-change-password, not both.',
    );
  if (must || mustNot) changes.mustChangePassword = must;
  if (Object.keys(changes).length === 0)
    throw new AppError(
      'INVALID_INPUT',
      'Nothing to change. Run `tether users edit --help` for the options.',
    );
  return changes;
}

const editCommand: Command = {
  name: 'users edit',
  summary: "Change a console user's display name or role, or ask them for a new password.",
  usage: `tether users edit USERNAME [--display-name NAME] [--role ROLE] [--must-change-password | --no-must-change-password] [--data-dir DIR]

ROLE is administrator, privileged or technician; the last enabled administrator cannot be
demoted. --must-change-password makes the user choose a new password at their next sign-in
(before anything else); --no-must-change-password lifts that. Only the options given change.`,
  options: {
    ...dataDirOptions,
    'display-name': { type: 'string' },
    role: { type: 'string' },
    'must-change-password': { type: 'boolean' },
    'no-must-change-password': { type: 'boolean' },
  },
  allowPositionals: true,
  async run(input) {
    const username = usernameOf(input, 'edit');
    const changes = editsOf(input);
    const { user, roleNames } = await withUsers(input, async (users, roles) => {
      const found = await users.findByUsername(username);
      // A custom role by its name, as `users create` takes it.
      if (changes.role !== undefined) changes.role = await roles.resolve(changes.role);
      return {
        user: await users.update(found.id, changes, HEADLESS),
        roleNames: await customRoleNames(roles),
      };
    });
    input.out(`Changed ${user.username}:\t${describeUser(user, roleNames)}`);
    return 0;
  },
};

export const userCommands: Command[] = [
  listCommand,
  createCommand,
  editCommand,
  enablingCommand(true),
  enablingCommand(false),
  deleteCommand,
  resetPasswordCommand,
];
