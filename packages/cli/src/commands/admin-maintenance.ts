import { AppError } from '@tether/protocol/app-error';
import type { MaintenanceSettings } from '@tether/protocol';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

function days(value: number | null): string {
  return value === null ? 'never' : `${value} days`;
}

function describe(settings: MaintenanceSettings): string {
  return [
    `lost after:          ${days(settings.lostAfterDays)} offline (administrators notified)`,
    `deleted after:       ${days(settings.deleteAfterDays)} offline (the agent uninstalls itself)`,
    `on local uninstall:  ${settings.onLocalUninstall === 'mark' ? 'mark the device uninstalled' : 'remove the device'}`,
    `local uninstall:     ${settings.restrictLocalUninstall ? 'root only' : 'whoever may run it'}`,
  ].join('\n');
}

/** `--lost-days 30` or `--lost-days never`; absent: unchanged. Range checks are the server's. */
function daysOption(input: CommandInput, name: string): number | null | undefined {
  const text = stringOption(input, name);
  if (text === undefined) return undefined;
  if (text === 'never') return null;
  const value = Number(text);
  if (!Number.isInteger(value))
    throw new AppError('INVALID_INPUT', `--${name} takes whole days or "never", not "${text}".`);
  return value;
}

function choiceOption<T extends string>(
  input: CommandInput,
  name: string,
  choices: readonly T[],
): T | undefined {
  const text = stringOption(input, name);
  if (text === undefined) return undefined;
  const choice = choices.find((candidate) => candidate === text);
  if (!choice)
    throw new AppError('INVALID_INPUT', `--${name} takes ${choices.join(' or ')}, not "${text}".`);
  return choice;
}

const showCommand: Command = {
  name: 'admin maintenance show',
  summary: 'Show the lost and delete thresholds and the local uninstall rules (A-7, A-8).',
  usage: `tether admin maintenance show [--data-dir DIR]`,
  options: { ...dataDirOptions },
  async run(input) {
    const { readMaintenanceSettings } = await import('@tether/server');
    const config = await serverConfigFrom(input);
    input.out(describe(await withStore(config, ({ store }) => readMaintenanceSettings(store))));
    return 0;
  },
};

const setCommand: Command = {
  name: 'admin maintenance set',
  summary: 'Change the lost and delete thresholds and the local uninstall rules (A-7, A-8).',
  usage: `tether admin maintenance set [--lost-days N|never] [--delete-days N|never]
    [--on-local-uninstall mark|remove] [--restrict-local-uninstall on|off] [--data-dir DIR]

--lost-days: days offline before a device is flagged lost and administrators are notified
  (agent.lost). --delete-days: days offline before it is deleted; its agent knows this deadline
  and uninstalls itself when it passes, even if it never reaches the server again. Both are
  whole days from 15 to 3650, lost before delete, or "never". A device's own maximum offline
  time (installer attribute; ephemeral agents: 5 minutes) overrides --delete-days.
--on-local-uninstall: when someone runs \`tether-agent uninstall\` on a device, its agent tells
  the server first: mark the device uninstalled (default) or remove it from the list.
--restrict-local-uninstall on: \`tether-agent uninstall\` runs only for root on the device.
Options left out keep their value. A running server applies the change within a minute; agents
get their new deadline when they next connect (the admin console sends it at once).`,
  options: {
    ...dataDirOptions,
    'lost-days': { type: 'string' },
    'delete-days': { type: 'string' },
    'on-local-uninstall': { type: 'string' },
    'restrict-local-uninstall': { type: 'string' },
  },
  async run(input) {
    const { readMaintenanceSettings, writeMaintenanceSettings } = await import('@tether/server');
    const lostAfterDays = daysOption(input, 'lost-days');
    const deleteAfterDays = daysOption(input, 'delete-days');
    const onLocalUninstall = choiceOption(input, 'on-local-uninstall', ['mark', 'remove']);
    const restrict = choiceOption(input, 'restrict-local-uninstall', ['on', 'off']);
    const config = await serverConfigFrom(input);
    const saved = await withStore(config, async ({ store, audit }) => {
      const previous = await readMaintenanceSettings(store);
      const written = await writeMaintenanceSettings(store, {
        lostAfterDays: lostAfterDays === undefined ? previous.lostAfterDays : lostAfterDays,
        deleteAfterDays: deleteAfterDays === undefined ? previous.deleteAfterDays : deleteAfterDays,
        onLocalUninstall: onLocalUninstall ?? previous.onLocalUninstall,
        restrictLocalUninstall:
          restrict === undefined ? previous.restrictLocalUninstall : restrict === 'on',
      });
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: 'maintenance',
        details: { ...written, previous, via: 'headless' },
      });
      return written;
    });
    input.out(describe(saved));
    return 0;
  },
};

export const maintenanceCommands: Command[] = [showCommand, setCommand];
