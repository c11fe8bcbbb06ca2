import { z } from 'zod';

/** What the device list can be sorted by. `lastSeen`: online devices count as seen now. */
export const DeviceSort = z.enum(['name', 'group', 'lastSeen', 'os', 'version', 'online']);
export type DeviceSort = z.infer<typeof DeviceSort>;

/**
 * Whether someone is at the device as a filter: `present` a user is logged in with the
 * screen unlocked, `locked` logged in with the screen locked, `absent` online with nobody logged
 * in. An offline device matches none of them.
 */
export const DevicePresenceFilter = z.enum(['present', 'locked', 'absent']);
export type DevicePresenceFilter = z.infer<typeof DevicePresenceFilter>;

/** The most devices one page holds; the default page is {@link DEFAULT_DEVICE_PAGE}. */
export const MAX_DEVICE_PAGE = 1000;
export const DEFAULT_DEVICE_PAGE = 100;

/** A `true`/`false` query value (a URL has no booleans); absent: no filter. */
const QueryBoolean = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional();

/** A text filter: exact value, at most 256 characters. */
const FilterText = z.string().min(1).max(256).optional();

/**
 * `GET /api/v1/devices` query: search, filters, sort and one page. Every filter is optional and
 * they combine with AND; without any query the answer is the first {@link DEFAULT_DEVICE_PAGE}
 * devices by name, with `total` saying how many there are.
 *
 * @example
 * await api.queryDevices({ search: 'web', online: 'true', sort: 'lastSeen', order: 'desc', limit: 50 });
 */
export const DeviceListQuery = z.object({
  /** Part of the name, hostname, a tag or the comments, ignoring case. */
  search: z.string().max(256).optional(),
  /** Exact group name. */
  group: FilterText,
  /** Exact tag. */
  tag: FilterText,
  online: QueryBoolean,
  /** Exact operating system name, as the device list shows it ("Debian GNU/Linux 12 (bookworm)"). */
  os: FilterText,
  /** Exact agent version. */
  version: FilterText,
  presence: DevicePresenceFilter.optional(),
  /** `true`: only devices flagged lost; `false`: only those that are not. */
  lost: QueryBoolean,
  sort: DeviceSort.default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(MAX_DEVICE_PAGE).default(DEFAULT_DEVICE_PAGE),
  /** How many matching devices to skip (paging: `offset + limit` is the next page's offset). */
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type DeviceListQuery = z.input<typeof DeviceListQuery>;
export type ParsedDeviceListQuery = z.output<typeof DeviceListQuery>;
