import { AppError } from '@tether/protocol/app-error';
import type { Store } from '@tether/server';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

/** A device as the store lists it. */
type DeviceRecord = Awaited<ReturnType<Store['deviceQuery']['query']>>['devices'][number];

const FILTERS = ['search', 'group', 'tag', 'os', 'version', 'lost'] as const;

/** The flags as the API's query, checked by the same schema (same bounds, same messages). */
async function parseQuery(input: CommandInput) {
  const { DeviceListQuery, describeIssues } = await import('@tether/protocol');
  for (const memoryOnly of ['online', 'presence'] as const)
    if (input.values[memoryOnly] !== undefined)
      throw new AppError(
        'INVALID_INPUT',
        `--${memoryOnly} needs the running server (it knows which agents are connected): use the console's device list or GET /api/v1/devices?${memoryOnly}=…. Here, LAST SEEN tells when each device last reported.`,
      );
  const raw: Record<string, string> = {};
  for (const name of [...FILTERS, 'sort', 'limit', 'offset']) {
    const value = stringOption(input, name);
    if (value !== undefined) raw[name] = value;
  }
  if (input.values.desc === true) raw.order = 'desc';
  const parsed = DeviceListQuery.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      'INVALID_INPUT',
      `${describeIssues(parsed.error, 'device list query').join('; ')}. Run \`tether devices list --help\` for usage.`,
    );
  if (parsed.data.sort === 'online')
    throw new AppError('INVALID_INPUT', '--sort online needs the running server: use the console.');
  return parsed.data;
}

function describeDevice(device: DeviceRecord): string {
  return [
    device.name,
    device.group,
    device.inventory.hostname,
    device.inventory.os.name,
    device.inventory.agentVersion,
    device.lastSeenAt?.toISOString() ?? 'never',
    device.lostAt ? 'lost' : '-',
    device.tags.length > 0 ? device.tags.join(',') : '-',
    device.id,
  ].join('\t');
}

/** `tether devices list`: the device list's query, headless (issue 15). */
export const devicesListCommand: Command = {
  name: 'devices list',
  summary: 'List devices with search, filters, sort and paging (the console list, headless).',
  usage: `tether devices list [--search TEXT] [--group NAME] [--tag TAG] [--os NAME]
       [--version VERSION] [--lost true|false] [--sort name|group|lastSeen|os|version] [--desc]
       [--limit N] [--offset N] [--json] [--data-dir DIR]

Reads the data directory's database, while the server runs or not, with the query of
GET /api/v1/devices: --search finds part of the name, hostname, a tag or the comments
(ignoring case); --group, --os and --version take exact values, --tag one whole tag
(ignoring case); filters combine. Sorted by name unless --sort; ties go by name.
--limit (default 100, at most 1000) and --offset page through the list.

One device a line, tab-separated: name, group, hostname, OS, agent version, last seen,
lost, tags, id; then how many match in all. --json prints the page as JSON instead.
Online and user presence are known only to the running server: see the console's list.`,
  options: {
    ...dataDirOptions,
    search: { type: 'string' },
    group: { type: 'string' },
    tag: { type: 'string' },
    os: { type: 'string' },
    version: { type: 'string' },
    lost: { type: 'string' },
    online: { type: 'string' },
    presence: { type: 'string' },
    sort: { type: 'string' },
    desc: { type: 'boolean' },
    limit: { type: 'string' },
    offset: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(input) {
    const query = await parseQuery(input);
    const page = await withStore(await serverConfigFrom(input), ({ store }) =>
      store.deviceQuery.query({
        ...Object.fromEntries(
          FILTERS.flatMap((name) => (query[name] === undefined ? [] : [[name, query[name]]])),
        ),
        sort: query.sort,
        order: query.order,
        limit: query.limit,
        offset: query.offset,
      }),
    );
    if (input.values.json === true) {
      input.out(JSON.stringify({ devices: page.devices, total: page.total }, null, 2));
      return 0;
    }
    const last = query.offset + page.devices.length;
    input.out(
      [
        'NAME\tGROUP\tHOSTNAME\tOS\tVERSION\tLAST SEEN\tLOST\tTAGS\tID',
        ...page.devices.map(describeDevice),
        page.devices.length === 0
          ? `No device of ${page.total} on this page.`
          : `${query.offset + 1}–${last} of ${page.total}${last < page.total ? ` (next: --offset ${last})` : ''}`,
      ].join('\n'),
    );
    return 0;
  },
};
