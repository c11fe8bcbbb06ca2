import type { DeviceListQuery, DevicePresenceFilter } from '@tether/protocol';
import { useEffect, useState } from 'react';
import { visibleText } from '../../format/visible-text.js';
import { useLoad } from '../../hooks/use-load.js';

/** The filters of the device list as the page holds them (the query minus sort and paging). */
export type DeviceFilters = {
  [K in 'search' | 'group' | 'tag' | 'online' | 'os' | 'version' | 'presence' | 'lost']?:
    DeviceListQuery[K] | undefined;
};

/** Typing settles this long before the list asks the server again. */
const SEARCH_DELAY_MS = 300;

/** A text box that reports its value once typing pauses (Enter reports at once). */
function DelayedInput(props: {
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  placeholder: string;
  label: string;
  testId: string;
  /** Values to offer while typing (the filter matches a whole value). */
  suggestions?: readonly string[];
}) {
  const { value, onChange, suggestions } = props;
  const listId = suggestions ? `${props.testId}-values` : undefined;
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  useEffect(() => {
    const next = text.trim() === '' ? undefined : text.trim();
    if (next === value) return undefined;
    const timer = setTimeout(() => onChange(next), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <>
      <input
        type="search"
        list={listId}
        value={text}
        placeholder={props.placeholder}
        aria-label={props.label}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') onChange(text.trim() === '' ? undefined : text.trim());
        }}
        data-testid={props.testId}
      />
      {suggestions && (
        <datalist id={listId}>
          {suggestions.map((suggestion) => (
            <option key={suggestion} value={suggestion} />
          ))}
        </datalist>
      )}
    </>
  );
}

/** A select whose first option ("Any …") means no filter. */
function FilterSelect<T extends string>(props: {
  label: string;
  value: T | undefined;
  options: readonly (readonly [T, string])[];
  any: string;
  onChange: (value: T | undefined) => void;
  testId: string;
}) {
  return (
    <label className="inline-filter">
      <span className="muted">{props.label}</span>{' '}
      <select
        value={props.value ?? ''}
        onChange={(event) => {
          const picked = props.options.find(([value]) => value === event.target.value);
          props.onChange(picked?.[0]);
        }}
        data-testid={props.testId}
      >
        <option value="">{props.any}</option>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

const PRESENCE: readonly (readonly [DevicePresenceFilter, string])[] = [
  ['present', 'User present'],
  ['locked', 'Screen locked'],
  ['absent', 'Nobody logged in'],
];

/**
 * Search and filters of the device list; every change is a new server query (the list is
 * paged on the server, so nothing is filtered in the browser).
 *
 * @example
 * <DeviceListFilters filters={filters} onChange={setFilters} />
 */
export function DeviceListFilters(props: {
  filters: DeviceFilters;
  onChange: (filters: DeviceFilters) => void;
  /** Tags, systems and versions seen in the list so far, offered in their filters. */
  seen: { tags: readonly string[]; os: readonly string[]; versions: readonly string[] };
}) {
  const { filters, onChange } = props;
  const [groups] = useLoad((api) => api.listDeviceGroups(), []);
  const groupNames = groups.state === 'ready' ? groups.value.map((group) => group.name) : [];
  if (filters.group !== undefined && !groupNames.includes(filters.group))
    groupNames.push(filters.group);
  // An absent filter is `undefined`: the API client leaves it out of the query string.
  const set =
    <K extends keyof DeviceFilters>(key: K) =>
    (value: DeviceFilters[K]) =>
      onChange({ ...filters, [key]: value });
  return (
    <div className="device-filters" data-testid="device-filters">
      <DelayedInput
        value={filters.search}
        onChange={set('search')}
        placeholder="Search name, hostname, tag, comments"
        label="Search devices"
        testId="device-search"
      />
      <FilterSelect
        label="Group"
        value={filters.group}
        options={groupNames.sort().map((name) => [name, visibleText(name)] as const)}
        any="All groups"
        onChange={set('group')}
        testId="device-group-filter"
      />
      <FilterSelect
        label="Status"
        value={filters.online}
        options={[
          ['true', 'Online'],
          ['false', 'Offline'],
        ]}
        any="Any"
        onChange={set('online')}
        testId="device-online-filter"
      />
      <FilterSelect
        label="User"
        value={filters.presence}
        options={PRESENCE}
        any="Any"
        onChange={set('presence')}
        testId="device-presence-filter"
      />
      <FilterSelect
        label="Lost"
        value={filters.lost}
        options={[
          ['true', 'Lost'],
          ['false', 'Not lost'],
        ]}
        any="Any"
        onChange={set('lost')}
        testId="device-lost-filter"
      />
      <DelayedInput
        value={filters.tag}
        onChange={set('tag')}
        placeholder="Tag"
        label="Tag"
        testId="device-tag-filter"
        suggestions={props.seen.tags}
      />
      <DelayedInput
        value={filters.os}
        onChange={set('os')}
        placeholder="Operating system"
        label="Operating system"
        testId="device-os-filter"
        suggestions={props.seen.os}
      />
      <DelayedInput
        value={filters.version}
        onChange={set('version')}
        placeholder="Agent version"
        label="Agent version"
        testId="device-version-filter"
        suggestions={props.seen.versions}
      />
    </div>
  );
}
