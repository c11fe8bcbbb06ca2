import { AppError } from '@tether/protocol/app-error';
import type { UpdateDeviceRequest } from '@tether/protocol';
import type { DeviceRecord, Store } from '@tether/server';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether groups`, these work on the data directory, while the server runs or not. The
// console and `PATCH /api/v1/devices/{id}` do the same through a running server.

/** The audit log's name for changes made here. */
const HEADLESS = { username: 'system', via: 'headless' } as const;

type Deps = Parameters<Parameters<typeof withStore>[1]>[0];

/** The one device named by `nameOrId` (not deleted); a name several devices share is refused. */
async function findDevice(store: Store, nameOrId: string): Promise<DeviceRecord> {
  const matches = (await store.devices.list()).filter(
    (device) => device.id === nameOrId || device.name === nameOrId,
  );
  const [device] = matches;
  if (matches.length === 1 && device) return device;
  throw new AppError(
    matches.length === 0 ? 'NOT_FOUND' : 'INVALID_INPUT',
    matches.length === 0
      ? `There is no device "${nameOrId}". \`tether devices list\` or the console shows them.`
      : `${matches.length} devices are named "${nameOrId}": give the device ID instead.`,
  );
}

/** At least `min` positional arguments (the device first), or a usage error. */
function positionals(input: CommandInput, min: number, command: string): [string, ...string[]] {
  const [device, ...rest] = input.positionals;
  if (device === undefined || input.positionals.length < min)
    throw new AppError(
      'INVALID_INPUT',
      `Expected ${min === 1 ? 'the device' : `the device and ${min - 1} more argument(s)`}. Run \`tether devices ${command} --help\` for usage.`,
    );
  return [device, ...rest];
}

/** Validates a change as the API does, then saves and audits it. */
async function change(
  input: CommandInput,
  nameOrId: string,
  build: (device: DeviceRecord) => UpdateDeviceRequest,
): Promise<DeviceRecord> {
  const { UpdateDeviceRequest, describeIssues } = await import('@tether/protocol');
  const { saveDeviceFields } = await import('@tether/server');
  return withStore(await serverConfigFrom(input), async ({ store, audit }: Deps) => {
    const device = await findDevice(store, nameOrId);
    const parsed = UpdateDeviceRequest.safeParse(build(device));
    if (!parsed.success)
      throw new AppError(
        'INVALID_INPUT',
        `Invalid device change: ${describeIssues(parsed.error, 'change').join('; ')}.`,
      );
    const saved = await saveDeviceFields(
      { store, audit },
      { device, change: parsed.data, actor: HEADLESS },
    );
    return saved ?? device;
  });
}

function describe(device: DeviceRecord): string {
  const tags = device.tags.length > 0 ? device.tags.join(', ') : 'no tags';
  return `Device "${device.name}" (${device.id}) in group "${device.group}", ${tags}.`;
}

const renameCommand: Command = {
  name: 'devices rename',
  summary: 'Give a device a display name (its hostname stays what the device reports).',
  usage: `tether devices rename DEVICE NEW_NAME [--data-dir DIR]

DEVICE is the device's name or ID; a name several devices share is refused (use the ID).
Audited; open consoles show the new name when they next load the device.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [device, name = ''] = positionals(input, 2, 'rename');
    input.out(describe(await change(input, device, () => ({ name }))));
    return 0;
  },
};

const setCommand: Command = {
  name: 'devices set',
  summary: "Set a device's comments and/or replace its tags.",
  usage: `tether devices set DEVICE [--comments TEXT] [--tags TAG,TAG…] [--data-dir DIR]

--tags replaces every tag (--tags "" removes them all); \`tether devices tag\` adds some.`,
  options: { ...dataDirOptions, comments: { type: 'string' }, tags: { type: 'string' } },
  allowPositionals: true,
  async run(input) {
    const [device] = positionals(input, 1, 'set');
    const comments = stringOption(input, 'comments');
    const tags = stringOption(input, 'tags');
    if (comments === undefined && tags === undefined)
      throw new AppError(
        'INVALID_INPUT',
        'Give --comments, --tags or both. Run `tether devices set --help` for usage.',
      );
    const updated = await change(input, device, () => ({
      ...(comments !== undefined && { comments }),
      ...(tags !== undefined && { tags: splitTags(tags) }),
    }));
    input.out(describe(updated));
    return 0;
  },
};

function splitTags(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

const tagCommand: Command = {
  name: 'devices tag',
  summary: 'Add tags to a device.',
  usage: `tether devices tag DEVICE TAG [TAG…] [--data-dir DIR]`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [device, ...tags] = positionals(input, 2, 'tag');
    input.out(describe(await change(input, device, (now) => ({ tags: [...now.tags, ...tags] }))));
    return 0;
  },
};

const untagCommand: Command = {
  name: 'devices untag',
  summary: 'Remove tags from a device.',
  usage: `tether devices untag DEVICE TAG [TAG…] [--data-dir DIR]`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [device, ...tags] = positionals(input, 2, 'untag');
    const updated = await change(input, device, (now) => ({
      tags: now.tags.filter((tag) => !tags.includes(tag)),
    }));
    input.out(describe(updated));
    return 0;
  },
};

const moveCommand: Command = {
  name: 'devices move',
  summary: 'Move a device to another device group.',
  usage: `tether devices move DEVICE GROUP [--data-dir DIR]

The same as \`tether groups move-device\`: the policies and tenants of the new group apply to
the device from now on.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [device, group = ''] = positionals(input, 2, 'move');
    const { createDeviceGroupService, systemClock } = await import('@tether/server');
    const moved = await withStore(await serverConfigFrom(input), async ({ store, audit }) => {
      const found = await findDevice(store, device);
      const groups = createDeviceGroupService({ store, clock: systemClock, audit });
      return groups.moveDevice(found.id, group, HEADLESS);
    });
    input.out(describe(moved));
    return 0;
  },
};

const deleteCommand: Command = {
  name: 'devices delete',
  summary: 'Delete a device; its agent is told to uninstall itself.',
  usage: `tether devices delete DEVICE --yes [--data-dir DIR]

The device leaves the console and the API; its sessions, recordings and audit entries keep it.
A running server on this data directory ends its sessions and tells its agent to uninstall
itself within a few seconds; an agent that was offline is refused and told when it comes back.
--yes confirms.`,
  options: { ...dataDirOptions, yes: { type: 'boolean' } },
  allowPositionals: true,
  async run(input) {
    const [device] = positionals(input, 1, 'delete');
    if (input.values.yes !== true)
      throw new AppError(
        'INVALID_INPUT',
        `Deleting a device cannot be undone (its agent uninstalls itself). Add --yes to confirm.`,
      );
    const { addHeadlessDeletion, systemClock, tombstoneDevice } = await import('@tether/server');
    const deleted = await withStore(await serverConfigFrom(input), async ({ store, audit }) => {
      const found = await findDevice(store, device);
      const deletion = { by: 'administrator', actor: HEADLESS } as const;
      if (await tombstoneDevice({ store, audit, clock: systemClock }, { device: found, deletion }))
        await addHeadlessDeletion(store, found.id);
      return found;
    });
    input.out(`Device "${deleted.name}" (${deleted.id}) deleted.`);
    return 0;
  },
};

/** `tether devices …`: rename, describe, tag, move and delete devices (issue 15). */
export const deviceLifecycleCommands: Command[] = [
  renameCommand,
  setCommand,
  tagCommand,
  untagCommand,
  moveCommand,
  deleteCommand,
];
