import { AppError } from '@tether/protocol/app-error';
import type { DeviceGroup } from '@tether/protocol';
import type { DeviceGroupService, Store } from '@tether/server';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether users`, these work on the data directory, while the server runs or not.

/** The audit log's name for changes made here. */
const HEADLESS = { username: 'system', via: 'headless' } as const;

/** Runs `work` with the device group service of the data directory's store. */
async function withGroups<T>(
  input: CommandInput,
  work: (groups: DeviceGroupService, store: Store) => Promise<T>,
): Promise<T> {
  const { createDeviceGroupService, systemClock } = await import('@tether/server');
  return withStore(await serverConfigFrom(input), ({ store, audit }) =>
    work(createDeviceGroupService({ store, clock: systemClock, audit }), store),
  );
}

/** Exactly `count` positional arguments, or a usage error. */
function positionals(input: CommandInput, count: number, command: string): string[] {
  if (input.positionals.length !== count)
    throw new AppError(
      'INVALID_INPUT',
      `Expected ${count === 1 ? 'one argument' : `${count} arguments`}. Run \`tether groups ${command} --help\` for usage.`,
    );
  return input.positionals;
}

function describeGroup(group: DeviceGroup): string {
  return [group.name, String(group.deviceCount), group.description || '-'].join('\t');
}

const listCommand: Command = {
  name: 'groups list',
  summary: 'List the device groups with how many devices each holds.',
  usage: `tether groups list [--data-dir DIR]

One group a line, tab-separated: name, devices, description (- when none).`,
  options: { ...dataDirOptions },
  async run(input) {
    const groups = await withGroups(input, (service) => service.list());
    input.out(['NAME\tDEVICES\tDESCRIPTION', ...groups.map(describeGroup)].join('\n'));
    return 0;
  },
};

const createCommand: Command = {
  name: 'groups create',
  summary: 'Create a device group that installers, policies and tenants can then use.',
  usage: `tether groups create NAME [--description TEXT] [--data-dir DIR]

Names are unique ignoring letter case.`,
  options: { ...dataDirOptions, description: { type: 'string' } },
  allowPositionals: true,
  async run(input) {
    const [name = ''] = positionals(input, 1, 'create');
    const group = await withGroups(input, (groups) =>
      groups.create({ name, description: stringOption(input, 'description') ?? '' }, HEADLESS),
    );
    input.out(`Device group "${group.name}" created.`);
    return 0;
  },
};

const renameCommand: Command = {
  name: 'groups rename',
  summary: 'Rename a device group; its devices, installers, policies and tenants follow.',
  usage: `tether groups rename NAME NEW_NAME [--description TEXT] [--data-dir DIR]

The rename is one transaction: every device, installer, policy assignment and integration
tenant of the group carries the new name. --description also replaces the description.`,
  options: { ...dataDirOptions, description: { type: 'string' } },
  allowPositionals: true,
  async run(input) {
    const [name = '', newName = ''] = positionals(input, 2, 'rename');
    const description = stringOption(input, 'description');
    const group = await withGroups(input, async (groups) => {
      const { id } = await groups.findByName(name);
      return groups.update(
        id,
        { name: newName, ...(description === undefined ? {} : { description }) },
        HEADLESS,
      );
    });
    input.out(`Device group "${name}" is now "${group.name}".`);
    return 0;
  },
};

const deleteCommand: Command = {
  name: 'groups delete',
  summary: 'Delete a device group that no device, active installer or tenant uses.',
  usage: `tether groups delete NAME [--remove-assignments] [--data-dir DIR]

Refused while devices or active installers are in the group or an integration tenant is bound
to it (move the devices with \`tether groups move-device\`, revoke the installers, change the
tenants first). Policies assigned to the group refuse it too, unless --remove-assignments
confirms that those assignments are removed with the group.`,
  options: { ...dataDirOptions, 'remove-assignments': { type: 'boolean' } },
  allowPositionals: true,
  async run(input) {
    const [name = ''] = positionals(input, 1, 'delete');
    await withGroups(input, async (groups) => {
      const { id } = await groups.findByName(name);
      await groups.delete(
        id,
        { removeAssignments: input.values['remove-assignments'] === true },
        HEADLESS,
      );
    });
    input.out(`Device group "${name}" deleted.`);
    return 0;
  },
};

const moveDeviceCommand: Command = {
  name: 'groups move-device',
  summary: 'Move a device (by name or ID) to another device group.',
  usage: `tether groups move-device DEVICE GROUP [--data-dir DIR]

DEVICE is the device's name or ID; a name several devices share is refused (use the ID).
The policies and tenants of the new group apply to the device from now on.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [device = '', group = ''] = positionals(input, 2, 'move-device');
    const moved = await withGroups(input, async (groups, store) => {
      const matches = (await store.devices.list()).filter(
        (each) => each.id === device || each.name === device,
      );
      if (matches.length !== 1)
        throw new AppError(
          matches.length === 0 ? 'NOT_FOUND' : 'INVALID_INPUT',
          matches.length === 0
            ? `There is no device "${device}".`
            : `${matches.length} devices are named "${device}": give the device ID instead.`,
        );
      return groups.moveDevice(matches[0]?.id ?? '', group, HEADLESS);
    });
    input.out(`Device "${moved.name}" is now in group "${moved.group}".`);
    return 0;
  },
};

export const groupCommands: Command[] = [
  listCommand,
  createCommand,
  renameCommand,
  deleteCommand,
  moveDeviceCommand,
];
