import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { AppError } from '@tether/protocol/app-error';
import type { AuditEntry } from '@tether/protocol';
import type { AuditNamedFilter } from '@tether/server';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { parseDuration } from '../duration.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether users`, these read the data directory (while the server runs or not): whoever
// may read the server's database may read its audit log.

const filterOptions = {
  ...dataDirOptions,
  user: { type: 'string' },
  device: { type: 'string' },
  action: { type: 'string', multiple: true },
  since: { type: 'string' },
  until: { type: 'string' },
  text: { type: 'string' },
} as const;

const FILTER_HELP = `Filters (all given must match):
  --user USER       a username, or the id of a user (also of a deleted one)
  --device DEVICE   a device's name or id
  --action ACTION   an action (e.g. session.started); repeat it or separate with commas
  --since TIME      entries at or after TIME: an ISO time (2026-01-31T08:00:00Z) or a
                    duration ago (90m, 24h, 7d)
  --until TIME      entries before TIME (same forms)
  --text TEXT       text in the actor, target, details or names (case-insensitive)`;

/** `--since` / `--until`: an ISO time, or a duration back from now. */
function instantOf(input: CommandInput, name: string): Date | undefined {
  const text = stringOption(input, name);
  if (text === undefined) return undefined;
  if (/^\d+\s*[smhdwy]?$/.test(text.trim()))
    return new Date(Date.now() - parseDuration(text) * 1000);
  const time = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time.getTime()))
    throw new AppError(
      'INVALID_INPUT',
      `--${name} "${text}" is neither a time (2026-01-31T08:00:00Z) nor a duration ago (24h, 7d).`,
    );
  return time;
}

function namedFilter(input: CommandInput): AuditNamedFilter {
  const actions = input.values.action;
  const named: AuditNamedFilter = {
    ...(Array.isArray(actions) ? { actions } : {}),
  };
  const user = stringOption(input, 'user');
  const device = stringOption(input, 'device');
  const text = stringOption(input, 'text');
  const from = instantOf(input, 'since');
  const until = instantOf(input, 'until');
  return {
    ...named,
    ...(user === undefined ? {} : { user }),
    ...(device === undefined ? {} : { device }),
    ...(text === undefined ? {} : { text }),
    ...(from === undefined ? {} : { from }),
    ...(until === undefined ? {} : { until }),
  };
}

/** Tabs and line breaks in names and details would break the columns. */
const flat = (text: string) => text.replace(/[\t\r\n]+/g, ' ');

function describeEntry(entry: AuditEntry): string {
  const user = entry.user
    ? `${entry.user.displayName || entry.user.username}${entry.user.isDeleted ? ' (deleted)' : ''}`
    : entry.actor;
  const details = Object.keys(entry.details).length === 0 ? '' : JSON.stringify(entry.details);
  return [entry.at, entry.action, user, entry.device?.name ?? '-', details].map(flat).join('\t');
}

const listCommand: Command = {
  name: 'audit list',
  summary: 'List audit entries, newest first, with user and device names.',
  usage: `tether audit list [filters] [--limit N] [--data-dir DIR]

One entry a line, tab-separated: time, action, user (or actor), device (- when none), details.
At most --limit entries (default 100, at most 1000); a last line says when more match.

${FILTER_HELP}`,
  options: { ...filterOptions, limit: { type: 'string' } },
  async run(input) {
    const limit = Number(stringOption(input, 'limit') ?? '100');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new AppError('INVALID_INPUT', '--limit must be a whole number from 1 to 1000.');
    const { auditFilterFromNames, auditPage } = await import('@tether/server');
    const page = await withStore(await serverConfigFrom(input), async ({ store }) =>
      auditPage(store, { limit, filter: await auditFilterFromNames(store, namedFilter(input)) }),
    );
    input.out(
      [
        'TIME\tACTION\tUSER\tDEVICE\tDETAILS',
        ...page.entries.map(describeEntry),
        ...(page.hasMore ? [`(more entries match: narrow the filters or raise --limit)`] : []),
      ].join('\n'),
    );
    return 0;
  },
};

const exportCommand: Command = {
  name: 'audit export',
  summary: 'Write the audit entries the filters select as CSV, JSON or NDJSON to standard output.',
  usage: `tether audit export [--format csv|json|ndjson] [filters] [--data-dir DIR] > FILE

Every matching entry, newest first, read page by page (a large log streams). CSV has names
beside ids; cells a spreadsheet would run as a formula (= + - @) are prefixed with '.

${FILTER_HELP}`,
  options: { ...filterOptions, format: { type: 'string' } },
  async run(input) {
    const format = stringOption(input, 'format') ?? 'csv';
    if (format !== 'csv' && format !== 'json' && format !== 'ndjson')
      throw new AppError('INVALID_INPUT', `--format is csv, json or ndjson, not "${format}".`);
    const { auditExport, auditFilterFromNames } = await import('@tether/server');
    await withStore(await serverConfigFrom(input), async ({ store }) => {
      const filter = await auditFilterFromNames(store, namedFilter(input));
      await pipeline(Readable.from(auditExport(store, { filter, format })), process.stdout, {
        end: false,
      });
    });
    return 0;
  },
};

export const auditCommands: Command[] = [listCommand, exportCommand];
