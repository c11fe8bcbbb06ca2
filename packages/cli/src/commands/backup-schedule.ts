import { join, resolve } from 'node:path';
import { AppError } from '@tether/protocol/app-error';
import type { BackupScheduleInput, BackupScheduleView } from '@tether/protocol';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';
import { PASSPHRASE_HELP, passphraseOf, passphraseOptions } from './backup.js';

/** The folders of the server the flags name, as the backup settings need them. */
async function placesOf(input: CommandInput) {
  const config = await serverConfigFrom(input);
  return {
    config,
    places: {
      dataDir: config.dataDir,
      keysDir: join(config.dataDir, 'keys'),
      recordingsDir: join(config.dataDir, 'recordings'),
    },
  };
}

function printSchedule(view: BackupScheduleView, out: (line: string) => void): void {
  const every =
    view.every.kind === 'interval'
      ? `every ${view.every.hours} h`
      : `daily at ${view.every.time} UTC`;
  const keep = [
    view.keep.count !== undefined && `the newest ${view.keep.count}`,
    view.keep.days !== undefined && `those younger than ${view.keep.days} days`,
  ].filter(Boolean);
  out(`Scheduled backups: ${view.enabled ? 'enabled' : 'disabled'}, ${every}`);
  out(`Keep: ${keep.length ? keep.join(' and ') : 'all'} (scheduled backups only)`);
  out(`Recordings: ${view.includeRecordings ? 'included' : 'not included'}`);
  out(`Folder: ${view.effectiveDirectory}`);
  out(
    `Passphrase: ${view.passphraseSource === 'file' ? `read from ${view.passphraseFile ?? ''}` : view.passphraseSource === 'stored' ? 'stored (encrypted with keys/secret-box.key)' : 'none'}`,
  );
  if (view.nextRunAt) out(`Next run: ${view.nextRunAt}`);
  if (view.state.lastRunAt)
    out(
      `Last run: ${view.state.lastRunAt}${view.state.lastError ? ` — failed: ${view.state.lastError}` : ` — ${view.state.lastFile ?? 'written'}`}`,
    );
}

export const backupScheduleShowCommand: Command = {
  name: 'backup schedule show',
  summary: 'Show the schedule of automatic backups, its retention and the last run.',
  usage: `tether backup schedule show [--data-dir DIR | --config FILE] [--database URL]`,
  options: { ...dataDirOptions, database: { type: 'string' } },
  async run(input) {
    const { places, config } = await placesOf(input);
    const { readSchedule, readRunState, scheduleView } = await import('@tether/server');
    const view = await withStore(config, async ({ store }) =>
      scheduleView(await readSchedule(store), await readRunState(store), places),
    );
    printSchedule(view, input.out);
    return 0;
  },
};

const numberOption = (input: CommandInput, name: string): number | undefined => {
  const text = stringOption(input, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value))
    throw new AppError('INVALID_INPUT', `--${name} takes a whole number, not "${text}".`);
  return value;
};

export const backupScheduleSetCommand: Command = {
  name: 'backup schedule set',
  summary: 'Change the schedule of automatic backups (what is not given stays as it is).',
  usage: `tether backup schedule set [--enable | --disable] [--every HOURS | --daily HH:MM]
    [--keep N] [--keep-days DAYS] [--keep-all] [--include-recordings | --no-recordings]
    [--directory DIR | --default-directory]
    [--passphrase-file FILE | --passphrase-stdin | --read-passphrase-from FILE]
    [--data-dir DIR | --config FILE] [--database URL]

The running server makes a backup into the folder (default <data folder>/backups) every HOURS
hours after the last one, or each day at HH:MM UTC; after each successful one it removes the
scheduled backups beyond the newest N and/or older than DAYS (manual ones stay). A failure is
audited and notified as a server error. A running server picks up the change within a minute.

The passphrase is stored encrypted with the server's key keys/secret-box.key (run this command as
the server's account, so that the server can read that key): ${PASSPHRASE_HELP.replace(/\n/g, ' ')}
Or --read-passphrase-from FILE: the server reads FILE at each backup and stores nothing.`,
  options: {
    ...dataDirOptions,
    ...passphraseOptions,
    database: { type: 'string' },
    enable: { type: 'boolean' },
    disable: { type: 'boolean' },
    every: { type: 'string' },
    daily: { type: 'string' },
    keep: { type: 'string' },
    'keep-days': { type: 'string' },
    'keep-all': { type: 'boolean' },
    'include-recordings': { type: 'boolean' },
    'no-recordings': { type: 'boolean' },
    directory: { type: 'string' },
    'default-directory': { type: 'boolean' },
    'read-passphrase-from': { type: 'string' },
  },
  async run(input) {
    const flag = (name: string) => input.values[name] === true;
    const { places, config } = await placesOf(input);
    const newPassphrase =
      stringOption(input, 'passphrase-file') !== undefined ||
      flag('passphrase-stdin') ||
      (input.env.TETHER_BACKUP_PASSPHRASE !== undefined &&
        !stringOption(input, 'read-passphrase-from'))
        ? await passphraseOf(input, 'backup schedule set')
        : undefined;
    const every = numberOption(input, 'every');
    const daily = stringOption(input, 'daily');
    const keepCount = numberOption(input, 'keep');
    const keepDays = numberOption(input, 'keep-days');
    const directory = stringOption(input, 'directory');
    const passphraseFile = stringOption(input, 'read-passphrase-from');
    const { BackupScheduleInput: Schema } = await import('@tether/protocol');
    const { readSchedule, readRunState, saveSchedule, scheduleAuditDetails, scheduleView } =
      await import('@tether/server');
    const view = await withStore(config, async ({ store, audit }) => {
      const before = await readSchedule(store);
      const next: BackupScheduleInput = {
        enabled: flag('enable') ? true : flag('disable') ? false : before.enabled,
        every:
          every !== undefined
            ? { kind: 'interval', hours: every }
            : daily !== undefined
              ? { kind: 'daily', time: daily }
              : before.every,
        keep: flag('keep-all')
          ? {}
          : {
              ...before.keep,
              ...(keepCount !== undefined && { count: keepCount }),
              ...(keepDays !== undefined && { days: keepDays }),
            },
        includeRecordings: flag('include-recordings')
          ? true
          : flag('no-recordings')
            ? false
            : before.includeRecordings,
        ...(directory !== undefined
          ? { directory: resolve(directory) }
          : !flag('default-directory') && before.directory !== undefined
            ? { directory: before.directory }
            : {}),
        ...(newPassphrase !== undefined && { passphrase: newPassphrase }),
        ...(passphraseFile !== undefined && { passphraseFile: resolve(passphraseFile) }),
      };
      const parsed = Schema.safeParse(next);
      if (!parsed.success)
        throw new AppError(
          'INVALID_INPUT',
          `Invalid backup schedule: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
        );
      const saved = await saveSchedule({ store, places, schedule: parsed.data, now: new Date() });
      const shown = scheduleView(saved, await readRunState(store), places);
      await audit.record({
        action: 'settings.changed',
        actor: 'system',
        target: 'backup.schedule',
        details: {
          ...scheduleAuditDetails(shown),
          passphraseChanged: newPassphrase !== undefined,
          via: 'headless',
        },
      });
      return shown;
    });
    printSchedule(view, input.out);
    return 0;
  },
};

export const backupListCommand: Command = {
  name: 'backup list',
  summary: 'List the backups in the backup folder (newest first).',
  usage: `tether backup list [--data-dir DIR | --config FILE] [--database URL]

The folder is the one of the backup schedule (default <data folder>/backups), where the console's
and the scheduled backups are written.`,
  options: { ...dataDirOptions, database: { type: 'string' } },
  async run(input) {
    const { places, config } = await placesOf(input);
    const { backupDirectory, listBackups, readSchedule } = await import('@tether/server');
    const folder = await withStore(config, async ({ store }) =>
      backupDirectory(await readSchedule(store), places),
    );
    const backups = await listBackups(folder);
    input.out(`${folder}: ${backups.length} backup${backups.length === 1 ? '' : 's'}`);
    for (const file of backups)
      input.out(
        `  ${file.name}  ${file.createdAt}  ${(file.size / 1024 / 1024).toFixed(1)} MiB  ${file.origin}${file.includesRecordings ? ', with recordings' : ''}`,
      );
    return 0;
  },
};

export const backupScheduleCommands = [
  backupScheduleShowCommand,
  backupScheduleSetCommand,
  backupListCommand,
];
