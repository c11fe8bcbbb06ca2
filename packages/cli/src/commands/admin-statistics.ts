import { AppError } from '@tether/protocol/app-error';
import { requireOption, stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

interface SettingsView {
  intervalSec: number;
  enabled: string[];
}

function line(label: string, settings: SettingsView): string {
  const what = settings.enabled.length ? settings.enabled.join(', ') : 'none';
  return `${label}: every ${settings.intervalSec} s: ${what}`;
}

const APPLIES =
  'Agents connected to a running server get a change made here when they next connect; changes made in the console or API reach them at once.';

const showCommand: Command = {
  name: 'admin statistics show',
  summary:
    'Show which statistics agents report and how often: fleet-wide, per group, and the samples a second a server takes (A-5).',
  usage: `tether admin statistics show [--data-dir DIR]`,
  options: { ...dataDirOptions },
  async run(input) {
    const server = await import('@tether/server');
    const config = await serverConfigFrom(input);
    const lines = await withStore(config, async ({ store }) => [
      line('fleet', await server.readStatisticsSettings(store)),
      ...(await server.listGroupStatistics(store)).map((group) =>
        line(`group "${group.groupName}"`, group.settings),
      ),
    ]);
    const samplesPerSec = config.agents.statisticsPerSec;
    input.out(
      [
        ...lines,
        `A server takes at most ${samplesPerSec} samples a second from its agents (agents.statisticsPerSec in its config): with more agents connected than an interval allows, they report less often. The interval in force is on the console's Settings page and in GET /api/v1/settings/statistics.`,
      ].join('\n'),
    );
    return 0;
  },
};

function candidate(input: CommandInput, current: SettingsView): SettingsView {
  const interval = stringOption(input, 'interval');
  const enable = stringOption(input, 'enable');
  return {
    intervalSec: interval === undefined ? current.intervalSec : Number(interval),
    enabled:
      enable === undefined
        ? current.enabled
        : enable
            .split(',')
            .map((kind) => kind.trim())
            .filter((kind) => kind !== '' && kind !== 'none'),
  };
}

const setCommand: Command = {
  name: 'admin statistics set',
  summary: 'Choose the statistics agents report and how often, fleet-wide or for one group.',
  usage: `tether admin statistics set [--group NAME] [--interval SEC] [--enable LIST] [--data-dir DIR]

--group: a device group; its settings then override the fleet's for its devices. Without it,
  the fleet-wide settings change (groups with their own keep them).
--interval: seconds between reports, 5 to 3600.
--enable: comma-separated, from cpu, memory, disk, uptime, consoleUser, screenThumbnail
  ("none" for nothing).
Options not given keep their value (a group without settings of its own starts from the
fleet's). ${APPLIES}`,
  options: {
    ...dataDirOptions,
    group: { type: 'string' },
    interval: { type: 'string' },
    enable: { type: 'string' },
  },
  async run(input) {
    const server = await import('@tether/server');
    const { StatisticsSettings, describeIssues } = await import('@tether/protocol');
    const groupName = stringOption(input, 'group');
    const config = await serverConfigFrom(input);
    const out = await withStore(config, async ({ store, audit }) => {
      const fleet = await server.readStatisticsSettings(store);
      const group = groupName === undefined ? undefined : await findGroup(store, groupName);
      const own =
        group && (await server.listGroupStatistics(store)).find((g) => g.groupId === group.id);
      const parsed = StatisticsSettings.safeParse(candidate(input, own?.settings ?? fleet));
      if (!parsed.success)
        throw new AppError(
          'INVALID_INPUT',
          describeIssues(parsed.error, 'statistics settings').join(' '),
        );
      if (group) await server.writeGroupStatistics(store, group.id, parsed.data);
      else await server.writeStatisticsSettings(store, parsed.data);
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: group ? 'statistics.group' : 'statistics',
        details: {
          ...parsed.data,
          ...(group && { group: group.name, groupId: group.id }),
          previous: own?.settings ?? (group ? null : fleet),
          via: 'headless',
        },
      });
      return line(group ? `group "${group.name}"` : 'fleet', parsed.data);
    });
    input.out(`${out}\n${APPLIES}`);
    return 0;
  },
};

const resetCommand: Command = {
  name: 'admin statistics reset',
  summary: 'Return a device group to the fleet-wide statistics settings.',
  usage: `tether admin statistics reset --group NAME [--data-dir DIR]

${APPLIES}`,
  options: { ...dataDirOptions, group: { type: 'string' } },
  async run(input) {
    const server = await import('@tether/server');
    const groupName = requireOption(input, 'group', 'admin statistics reset');
    const config = await serverConfigFrom(input);
    const name = await withStore(config, async ({ store, audit }) => {
      const group = await findGroup(store, groupName);
      const { previous } = await server.writeGroupStatistics(store, group.id, null);
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: 'statistics.group',
        details: {
          group: group.name,
          groupId: group.id,
          removed: true,
          previous: previous ?? null,
          via: 'headless',
        },
      });
      return group.name;
    });
    input.out(`Group "${name}" follows the fleet-wide statistics settings again.`);
    return 0;
  },
};

async function findGroup(
  store: Parameters<Parameters<typeof withStore>[1]>[0]['store'],
  name: string,
): Promise<{ id: string; name: string }> {
  const group = await store.deviceGroups.findByName(name);
  if (!group)
    throw new AppError('NOT_FOUND', `There is no device group "${name}": see tether groups list.`);
  return group;
}

export const statisticsCommands: Command[] = [showCommand, setCommand, resetCommand];
