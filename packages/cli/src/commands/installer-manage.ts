import { join } from 'node:path';
import { AppError } from '@tether/protocol/app-error';
import type { Installer } from '@tether/protocol';
import type { InstallerService } from '@tether/server';
import { requireOption, type Command, type CommandInput } from '../command.js';
import { parseDuration } from '../duration.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether groups`, these work on the data directory, while the server runs or not.

/** Runs `work` with the installer service of the data directory's store. */
async function withInstallers<T>(
  input: CommandInput,
  work: (installers: InstallerService) => Promise<T>,
): Promise<T> {
  const config = await serverConfigFrom(input);
  const { createInstallerService, loadServerIdentity, systemClock } =
    await import('@tether/server');
  const identity = await loadServerIdentity(join(config.dataDir, 'keys'));
  return withStore(config, ({ store, audit }) =>
    work(createInstallerService({ store, clock: systemClock, identity, audit })),
  );
}

/** The one installer ID argument, or a usage error. */
function installerId(input: CommandInput, command: string): string {
  const [id] = input.positionals;
  if (input.positionals.length !== 1 || id === undefined)
    throw new AppError(
      'INVALID_INPUT',
      `Expected one installer ID. Run \`tether installer ${command} --help\` for usage.`,
    );
  return id;
}

function stateOf(installer: Installer): string {
  if (installer.revoked) return 'deleted';
  if (installer.active) return 'active';
  return Date.parse(installer.expiresAt) <= Date.now() ? 'expired' : 'used up';
}

function describeInstaller(installer: Installer): string {
  const max = installer.maxInstalls === null ? '' : `/${installer.maxInstalls}`;
  return [
    installer.id,
    stateOf(installer),
    installer.group,
    installer.expiresAt,
    `${installer.installs}${max}`,
    installer.attributes?.tag ?? '-',
    installer.overridable?.join(',') || '-',
    installer.comment || '-',
  ].join('\t');
}

const listCommand: Command = {
  name: 'installer list',
  summary: 'List the installers, active ones first, with their installs.',
  usage: `tether installer list [--data-dir DIR]

One installer a line, tab-separated: id, state (active, expired, used up, deleted), group,
expiry, installs (/maximum), tag, attributes the install may override, comments.`,
  options: { ...dataDirOptions },
  async run(input) {
    const installers = await withInstallers(input, (service) => service.list());
    const header = 'ID\tSTATE\tGROUP\tEXPIRES\tINSTALLS\tTAG\tOVERRIDABLE\tCOMMENTS';
    input.out([header, ...installers.map(describeInstaller)].join('\n'));
    return 0;
  },
};

const extendCommand: Command = {
  name: 'installer extend',
  summary: 'Give an installer a new expiry (also an expired one), from now.',
  usage: `tether installer extend ID --valid-for DURATION [--data-dir DIR]

  --valid-for DURATION  10m … 1y from now (e.g. 1h, 7d)

Prints the installer's token for the new expiry: the token shown at creation stops working
at the old one. Packages downloaded from now on carry the new one. A deleted installer
cannot be extended.`,
  options: { ...dataDirOptions, 'valid-for': { type: 'string' } },
  allowPositionals: true,
  async run(input) {
    const id = installerId(input, 'extend');
    const { ExtendInstallerRequest, invalidInput } = await import('../schemas.js');
    const parsed = ExtendInstallerRequest.safeParse({
      validForSec: parseDuration(requireOption(input, 'valid-for', 'installer extend')),
    });
    if (!parsed.success)
      throw invalidInput('installer extension (validity must be between 10m and 1y)', parsed.error);
    const { installer, token } = await withInstallers(input, (service) =>
      service.extend(id, { validForSec: parsed.data.validForSec, actor: 'cli' }),
    );
    input.out(`Installer ${installer.id} is valid until ${installer.expiresAt}.`);
    input.out(`Token for the new expiry: ${token}`);
    return 0;
  },
};

const deleteCommand: Command = {
  name: 'installer delete',
  summary: 'Delete (revoke) an installer: installing with it fails from now on.',
  usage: `tether installer delete ID [--data-dir DIR]

Devices already installed with it stay. It stays in the list, as deleted, for the audit.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const id = installerId(input, 'delete');
    await withInstallers(input, (service) => service.revoke(id, 'cli'));
    input.out(`Installer ${id} is deleted: installing with it fails from now on.`);
    return 0;
  },
};

export const installerManageCommands: Command[] = [listCommand, extendCommand, deleteCommand];
