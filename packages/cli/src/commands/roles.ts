import { AppError } from '@tether/protocol/app-error';
import type { Permission, RoleView } from '@tether/protocol';
import type { RoleService } from '@tether/server';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether users`, these work on the data directory (while the server runs or not); the
// users of a changed role get its new permissions at their next request.

/** The audit log's name for changes made here. */
const HEADLESS = { username: 'system' } as const;

/** Runs `work` with the role service of the data directory's store. */
async function withRoles<T>(
  input: CommandInput,
  work: (roles: RoleService) => Promise<T>,
): Promise<T> {
  const { createRoleService, systemClock } = await import('@tether/server');
  return withStore(await serverConfigFrom(input), ({ store, audit }) =>
    work(createRoleService({ store, clock: systemClock, audit })),
  );
}

/** The one ROLE argument of a command: a role's name (any letter case) or ID. */
function roleArgument(input: CommandInput, command: string): string {
  const [role, ...extra] = input.positionals;
  if (!role || extra.length > 0)
    throw new AppError(
      'INVALID_INPUT',
      `Give one role name (quote it if it has spaces). Run \`tether roles ${command} --help\` for usage.`,
    );
  return role;
}

/** `--permissions a,b,c` as a list; the service refuses unknown names with the known ones. */
function permissionsOption(input: CommandInput): Permission[] | undefined {
  const text = stringOption(input, 'permissions');
  if (text === undefined) return undefined;
  // Checked by the service against PERMISSIONS, with the message the API gives.
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '') as Permission[];
}

function describeRole(role: RoleView): string {
  const permissions = role.permissions.filter((permission) => permission !== 'console.use');
  return [
    role.name,
    role.builtIn ? 'built-in' : 'custom',
    String(role.userCount),
    permissions.join(',') || '-',
  ].join('\t');
}

const PERMISSIONS_HELP = `PERMISSIONS is a comma-separated list such as devices.view,sessions.open; every role
may sign in (console.use is always added). \`tether roles permissions\` lists them all.`;

const listCommand: Command = {
  name: 'roles list',
  summary: 'List the roles: built-in ones first, then custom roles.',
  usage: `tether roles list [--data-dir DIR]

One role a line, tab-separated: name, built-in or custom, how many users have it, permissions.`,
  options: { ...dataDirOptions },
  async run(input) {
    const roles = await withRoles(input, (service) => service.list());
    input.out(['NAME\tKIND\tUSERS\tPERMISSIONS', ...roles.map(describeRole)].join('\n'));
    return 0;
  },
};

const permissionsCommand: Command = {
  name: 'roles permissions',
  summary: 'List the permissions a role can be made of, each explained.',
  usage: `tether roles permissions

One permission a line, tab-separated: name, group, what it allows.`,
  options: {},
  async run(input) {
    const { PERMISSIONS, PERMISSION_INFO } = await import('../schemas.js');
    input.out(
      PERMISSIONS.map((name) => {
        const info = PERMISSION_INFO[name];
        return `${name}\t${info.group}\t${info.label}: ${info.description}`;
      }).join('\n'),
    );
    return 0;
  },
};

const createCommand: Command = {
  name: 'roles create',
  summary: 'Create a custom role: a name, a description and a set of permissions.',
  usage: `tether roles create NAME --permissions PERMISSIONS [--description TEXT] [--data-dir DIR]

${PERMISSIONS_HELP}
Example: tether roles create Helpdesk --permissions devices.view,sessions.open`,
  options: {
    ...dataDirOptions,
    permissions: { type: 'string' },
    description: { type: 'string' },
  },
  allowPositionals: true,
  async run(input) {
    const name = roleArgument(input, 'create');
    const role = await withRoles(input, (roles) =>
      roles.create(
        {
          name,
          description: stringOption(input, 'description') ?? '',
          permissions: permissionsOption(input) ?? [],
        },
        HEADLESS,
      ),
    );
    input.out(`Created the role ${role.name}: ${role.permissions.join(', ')}.`);
    return 0;
  },
};

const editCommand: Command = {
  name: 'roles edit',
  summary: 'Rename a custom role, or change its description or permissions.',
  usage: `tether roles edit ROLE [--name NEW_NAME] [--description TEXT] [--permissions PERMISSIONS] [--data-dir DIR]

ROLE is the role's name or ID. --permissions replaces the whole set. ${PERMISSIONS_HELP}
Built-in roles cannot be changed. Users of the role get the change at their next request.`,
  options: {
    ...dataDirOptions,
    name: { type: 'string' },
    permissions: { type: 'string' },
    description: { type: 'string' },
  },
  allowPositionals: true,
  async run(input) {
    const target = roleArgument(input, 'edit');
    const name = stringOption(input, 'name');
    const description = stringOption(input, 'description');
    const permissions = permissionsOption(input);
    const role = await withRoles(input, async (roles) =>
      roles.update(
        await roles.resolve(target),
        {
          ...(name === undefined ? {} : { name }),
          ...(description === undefined ? {} : { description }),
          ...(permissions === undefined ? {} : { permissions }),
        },
        HEADLESS,
      ),
    );
    input.out(`Changed the role ${role.name}: ${role.permissions.join(', ')}.`);
    return 0;
  },
};

const deleteCommand: Command = {
  name: 'roles delete',
  summary: 'Delete a custom role that no user has.',
  usage: `tether roles delete ROLE [--data-dir DIR]

ROLE is the role's name or ID. A role users have cannot be deleted: give them another role first
(in the console's Users page or with the API). Built-in roles cannot be deleted.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const target = roleArgument(input, 'delete');
    await withRoles(input, async (roles) => roles.delete(await roles.resolve(target), HEADLESS));
    input.out(`Deleted the role ${target}.`);
    return 0;
  },
};

export const roleCommands: Command[] = [
  listCommand,
  permissionsCommand,
  createCommand,
  editCommand,
  deleteCommand,
];
