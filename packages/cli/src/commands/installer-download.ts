import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '@tether/protocol/app-error';
import { stringOption, type Command } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

const FILES = ['install.sh', 'tether-agent.run', 'tether-agent.deb', 'tether-agent.tar.gz'];

export const installerDownloadCommand: Command = {
  name: 'installer download',
  summary:
    "Show an installer's agent packages (the one-liner, .run, .deb, .tar.gz) or save one to a file.",
  usage: `tether installer download INSTALLER-ID [--file NAME --output PATH] [options]

  --file NAME       save this package: ${FILES.join(', ')}
  --output PATH     where to save it (default: NAME in the current folder)
  --server-url URL  the address inside the packages (default: the configured public URL)
  --data-dir DIR    the server's data directory (default ./tether-data)

Without --file, prints the one-liner to paste on devices and the public links with sizes.
The packages carry the installer's token: anyone who has one can enrol a device. The first
package after a server upgrade takes seconds (the agent build is assembled once).`,
  options: {
    ...dataDirOptions,
    file: { type: 'string' },
    output: { type: 'string' },
    'server-url': { type: 'string' },
  },
  allowPositionals: true,
  async run(input) {
    const [installerId] = input.positionals;
    if (!installerId) {
      throw new AppError(
        'INVALID_INPUT',
        'Name the installer: tether installer download INSTALLER-ID (see the installer list).',
      );
    }
    const file = stringOption(input, 'file');
    const { AgentPackageFile, InstallerId } = await import('@tether/protocol');
    if (!InstallerId.safeParse(installerId).success) {
      throw new AppError('INVALID_INPUT', `"${installerId}" is not an installer ID.`);
    }
    const wanted = file === undefined ? undefined : AgentPackageFile.safeParse(file);
    if (wanted && !wanted.success) {
      throw new AppError('INVALID_INPUT', `--file must be one of ${FILES.join(', ')}.`);
    }
    const config = await serverConfigFrom(input);
    const { agentPackagesHeadless, createLogger, readPublicUrlHeadless } =
      await import('@tether/server');
    return withStore(config, async ({ store, audit }) => {
      const publicUrl =
        stringOption(input, 'server-url') ??
        (await readPublicUrlHeadless({ config, store })).effective;
      const log = createLogger({ level: 'silent' });
      const packages = await agentPackagesHeadless({ config, store, audit, log, publicUrl });
      if (wanted?.success) {
        const made = await packages.open(installerId, wanted.data, {
          actor: 'cli',
          sourceAddress: null,
        });
        const output = resolve(stringOption(input, 'output') ?? wanted.data);
        await pipeline(made.open(), createWriteStream(output, { mode: 0o600 }));
        input.out(`Saved ${wanted.data} (${made.bytes} bytes) to ${output}.`);
        return 0;
      }
      const downloads = await packages.downloads(installerId);
      if (downloads.warning) input.out(`Warning: ${downloads.warning}`);
      input.out(`On each device run:\n  ${downloads.oneLiner}`);
      for (const entry of downloads.files) {
        input.out(`${entry.file} (${entry.bytes} bytes): ${entry.url}`);
      }
      return 0;
    });
  },
};
