import { hostname } from 'node:os';
import { join } from 'node:path';
import { requireOption, stringOption, type Command } from '../command.js';
import { parseDuration } from '../duration.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

export const installerCreateCommand: Command = {
  name: 'installer create',
  summary:
    'Create an installer: a signed enrolment token for a device group, valid for a chosen time.',
  usage: `tether installer create --group NAME --valid-for DURATION [options]

  --group NAME          existing device group the enrolled devices join (tether groups list)
  --valid-for DURATION  10m … 1y (e.g. 1h, 7d); enrolling after that fails
  --max-installs N      how many devices may enrol with it (default: unlimited)
  --comment TEXT        shown in the installer list
  --server-url URL      URL put in the printed command (default: the configured public URL)
  --data-dir DIR        the server's data directory (default ./tether-data)

Prints the token and the command to run on each device (the token is shown only here).`,
  options: {
    ...dataDirOptions,
    group: { type: 'string' },
    'valid-for': { type: 'string' },
    'max-installs': { type: 'string' },
    comment: { type: 'string' },
    'server-url': { type: 'string' },
  },
  async run(input) {
    const config = await serverConfigFrom(input);
    const maxInstalls = stringOption(input, 'max-installs');
    const { CreateInstallerRequest, invalidInput } = await import('../schemas.js');
    const parsed = CreateInstallerRequest.safeParse({
      group: requireOption(input, 'group', 'installer create'),
      validForSec: parseDuration(requireOption(input, 'valid-for', 'installer create')),
      ...(maxInstalls ? { maxInstalls: Number(maxInstalls) } : {}),
      ...(stringOption(input, 'comment') ? { comment: stringOption(input, 'comment') } : {}),
    });
    if (!parsed.success)
      throw invalidInput('installer (validity must be between 10m and 1y)', parsed.error);
    const { createInstallerService, loadServerIdentity, systemClock } =
      await import('@tether/server');
    const identity = await loadServerIdentity(join(config.dataDir, 'keys'));
    const serverUrl =
      stringOption(input, 'server-url') ??
      config.publicUrl ??
      `https://${hostname()}:${config.listen.port}`;
    const created = await withStore(config, ({ store, audit }) =>
      createInstallerService({ store, clock: systemClock, identity, audit }).create({
        ...parsed.data,
        createdBy: 'cli',
        serverUrl,
      }),
    );
    input.out(
      `Installer ${created.installer.id} for group "${created.installer.group}", valid until ${created.installer.expiresAt}.`,
    );
    input.out(`Token (shown once): ${created.token}`);
    input.out(`On each device run:\n  ${created.enrollCommand}`);
    return 0;
  },
};
