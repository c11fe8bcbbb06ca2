import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@tether/protocol/app-error';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

const MIB = 1024 * 1024;

interface SettingsView {
  mode: string;
  targetVersion?: string | undefined;
  bandwidthBytesPerSec: number;
  maxConcurrent: number;
}

function describe(settings: SettingsView, ownVersion: string, builds: string[]): string {
  return [
    `mode:        ${settings.mode}`,
    `target:      ${settings.targetVersion ?? `${ownVersion} (the server's own)`}`,
    `bandwidth:   ${(settings.bandwidthBytesPerSec / MIB).toFixed(2)} MiB/s for all upgrades together`,
    `concurrent:  ${settings.maxConcurrent} upgrades at once`,
    `builds:      ${builds.length ? builds.join(', ') : 'none uploaded'}`,
  ].join('\n');
}

function number(input: CommandInput, name: string): number | undefined {
  const text = stringOption(input, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new AppError('INVALID_INPUT', `--${name} takes a positive number, not "${text}".`);
  return value;
}

/** Opens the server's data: its store, its builds and its version. */
async function withUpgrades<T>(
  input: CommandInput,
  work: (deps: {
    server: typeof import('@tether/server');
    store: Parameters<Parameters<typeof withStore>[1]>[0]['store'];
    audit: Parameters<Parameters<typeof withStore>[1]>[0]['audit'];
    ownVersion: string;
    builds: string[];
  }) => Promise<T>,
): Promise<T> {
  const server = await import('@tether/server');
  const { TETHER_VERSION } = await import('@tether/protocol');
  const config = await serverConfigFrom(input);
  const builds = (
    await server
      .createAgentBuilds({
        dataDir: config.dataDir,
        clock: server.systemClock,
        log: server.createLogger({ level: 'silent' }),
      })
      .list()
  ).map((build) => `${build.version} (${build.arch})`);
  return withStore(config, ({ store, audit }) =>
    work({ server, store, audit, ownVersion: TETHER_VERSION, builds }),
  );
}

const showCommand: Command = {
  name: 'admin upgrades show',
  summary: 'Show the agent upgrade settings and the builds the server holds (A-6, S-12).',
  usage: `tether admin upgrades show [--data-dir DIR]`,
  options: { ...dataDirOptions },
  async run(input) {
    await withUpgrades(input, async ({ server, store, ownVersion, builds }) => {
      input.out(describe(await server.readUpgradeSettings(store), ownVersion, builds));
    });
    return 0;
  },
};

const setCommand: Command = {
  name: 'admin upgrades set',
  summary: 'Change the agent upgrade settings: mode, target version, bandwidth, concurrency.',
  usage: `tether admin upgrades set [--mode disabled|once|always] [--target VERSION|own]
                         [--bandwidth MIB_PER_SEC] [--concurrent N] [--data-dir DIR]

--mode: disabled (only upgrades started by hand), once (the devices enrolled now, then
  disabled again), always (every device not on the target, whenever it is online).
--target: a version the server holds a build of, or "own" for the server's own version.
--bandwidth: MiB/s for all upgrade downloads together, at most 100.
--concurrent: upgrades running at once, at most 500.
Options not given keep their value. A running server applies the change within a few seconds.`,
  options: {
    ...dataDirOptions,
    mode: { type: 'string' },
    target: { type: 'string' },
    bandwidth: { type: 'string' },
    concurrent: { type: 'string' },
  },
  async run(input) {
    const { UpgradeSettings, describeIssues } = await import('@tether/protocol');
    const bandwidth = number(input, 'bandwidth');
    const concurrent = number(input, 'concurrent');
    const target = stringOption(input, 'target');
    await withUpgrades(input, async ({ server, store, audit, ownVersion, builds }) => {
      const current = await server.readUpgradeSettings(store);
      const candidate = {
        mode: stringOption(input, 'mode') ?? current.mode,
        ...(target === undefined
          ? current.targetVersion !== undefined && { targetVersion: current.targetVersion }
          : target !== 'own' && { targetVersion: target }),
        bandwidthBytesPerSec:
          bandwidth === undefined ? current.bandwidthBytesPerSec : Math.round(bandwidth * MIB),
        maxConcurrent: concurrent ?? current.maxConcurrent,
      };
      const parsed = UpgradeSettings.safeParse(candidate);
      if (!parsed.success)
        throw new AppError(
          'INVALID_INPUT',
          describeIssues(parsed.error, 'upgrade settings').join(' '),
        );
      await server.saveUpgradeSettings(store, parsed.data, {
        ownVersion,
        buildVersions: builds.map((build) => build.split(' ')[0] ?? ''),
        now: new Date(),
      });
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: 'upgrades',
        details: { ...parsed.data, previous: current, via: 'headless' },
      });
      input.out(describe(parsed.data, ownVersion, builds));
    });
    return 0;
  },
};

const startCommand: Command = {
  name: 'admin upgrades start',
  summary: 'Upgrade a device group or devices now, whatever the mode (the limits still apply).',
  usage: `tether admin upgrades start (--group NAME | --device ID[,ID…]) [--version VERSION] [--data-dir DIR]

The running server queues them within a few seconds; each is offered the build when online.
See the progress in the admin console (Agent upgrades).`,
  options: {
    ...dataDirOptions,
    group: { type: 'string' },
    device: { type: 'string' },
    version: { type: 'string' },
  },
  async run(input) {
    const { StartUpgradeRequest, describeIssues } = await import('@tether/protocol');
    const group = stringOption(input, 'group');
    const devices = stringOption(input, 'device');
    const version = stringOption(input, 'version');
    const parsed = StartUpgradeRequest.safeParse({
      ...(group !== undefined && { group }),
      ...(devices !== undefined && { deviceIds: devices.split(',').map((id) => id.trim()) }),
      ...(version !== undefined && { version }),
    });
    if (!parsed.success)
      throw new AppError(
        'INVALID_INPUT',
        `Name a --group or --device. ${describeIssues(parsed.error, 'upgrade').join(' ')}`,
      );
    await withUpgrades(input, async ({ server, store }) => {
      await server.addUpgradeRequest(store, { request: parsed.data, actor: 'system' });
    });
    input.out('Requested; the running server queues the upgrade within a few seconds.');
    return 0;
  },
};

const addBuildCommand: Command = {
  name: 'admin upgrades add-build',
  summary: 'Add an agent build (another version) the server can upgrade agents to.',
  usage: `tether admin upgrades add-build DIR|FILE.tar.gz [--replace] [--data-dir DIR]

DIR is an unpacked agent package (tether-agent.tar.gz of any Tether server, or the folder a
.run extracts to) or an install folder with one version: the launcher and versions/<version>/.
FILE.tar.gz is such a package or folder as an archive, checked as an upload in the admin
console is (files and folders only, at most 256 MiB). Its files are hashed and stored under
the data directory's agent-builds/; the server signs their manifest for each offer.
--replace overwrites a build of the same version and arch.`,
  options: { ...dataDirOptions, replace: { type: 'boolean' } },
  allowPositionals: true,
  async run(input) {
    const [dir, ...rest] = input.positionals;
    if (!dir || rest.length > 0)
      throw new AppError('INVALID_INPUT', 'Name one folder: tether admin upgrades add-build DIR.');
    const { addBuildFromFolder, addUploadedBuild } = await import('@tether/server');
    const config = await serverConfigFrom(input);
    const replace = input.values.replace === true;
    const isArchive = (await stat(dir).catch(() => undefined))?.isFile() === true;
    const build = isArchive
      ? await addUploadedBuild({
          dataDir: config.dataDir,
          body: createReadStream(dir),
          replace,
          now: new Date(),
        })
      : await addBuildFromFolder({
          root: join(config.dataDir, 'agent-builds'),
          dir,
          now: new Date(),
          replace,
        });
    input.out(
      `Added agent ${build.version} for linux/${build.arch} (${Object.keys(build.files).length} files, ${(build.bodyBytes / 2 ** 20).toFixed(1)} MiB). Choose it with: tether admin upgrades set --target ${build.version}`,
    );
    return 0;
  },
};

const removeBuildCommand: Command = {
  name: 'admin upgrades remove-build',
  summary: 'Delete an uploaded agent build.',
  usage: `tether admin upgrades remove-build VERSION [--arch x64|arm64|arm] [--data-dir DIR]

--arch: the build's architecture (default: this machine's). The server's own build and the
build the settings target stay: choose another target first.`,
  options: { ...dataDirOptions, arch: { type: 'string' } },
  allowPositionals: true,
  async run(input) {
    const { AgentBuildKey } = await import('@tether/protocol');
    const [version, ...rest] = input.positionals;
    const key = AgentBuildKey.safeParse({
      version,
      arch: stringOption(input, 'arch') ?? process.arch,
    });
    if (rest.length > 0 || !key.success)
      throw new AppError(
        'INVALID_INPUT',
        'Name one version and, if not this machine’s, --arch x64, arm64 or arm.',
      );
    await withUpgrades(input, async ({ server, store, audit }) => {
      const config = await serverConfigFrom(input);
      const build = await server.removeUploadedBuild({
        dataDir: config.dataDir,
        builds: server.createAgentBuilds({
          dataDir: config.dataDir,
          clock: server.systemClock,
          log: server.createLogger({ level: 'silent' }),
        }),
        key: key.data,
        targetVersion: (await server.readUpgradeSettings(store)).targetVersion,
      });
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: 'upgrades.builds',
        details: { removed: { version: build.version, arch: build.arch }, via: 'headless' },
      });
    });
    input.out(`Deleted agent ${key.data.version} for linux/${key.data.arch}.`);
    return 0;
  },
};

export const upgradeCommands: Command[] = [
  showCommand,
  setCommand,
  startCommand,
  addBuildCommand,
  removeBuildCommand,
];
