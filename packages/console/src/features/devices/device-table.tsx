import type { Device, DeviceSort } from '@tether/protocol';
import { StatusDot } from '../../components/status-dot.js';
import { UsageBar } from '../../components/usage-bar.js';
import {
  cpuPercent,
  diskPercent,
  lastSeenLabel,
  mainDisk,
  memoryPercent,
  osLabel,
} from './device-figures.js';
import { formatBytes, formatDuration } from '../../format/format.js';
import { Link } from '../../routing/link.js';
import { visibleText } from '../../format/visible-text.js';
import { UnattendedIndicator } from '../unattended/unattended-indicator.js';

/** The list's order, and what a click on a column header asks for. */
export interface TableSort {
  by: DeviceSort;
  order: 'asc' | 'desc';
  onChange: (by: DeviceSort, order: 'asc' | 'desc') => void;
}

/** The devices ticked for a bulk action (by id, across pages). */
export interface TableSelection {
  selected: ReadonlySet<string>;
  onChange: (selected: ReadonlySet<string>) => void;
}

/** A header that sorts by its column: first click the natural order, next click reverses it. */
function SortHeader(props: {
  column: DeviceSort;
  label: string;
  sort: TableSort | undefined;
  /** The order of the first click: recent / online first for those columns. */
  first?: 'asc' | 'desc';
  ariaLabel?: string;
}) {
  const { column, sort } = props;
  if (!sort) return <th aria-label={props.ariaLabel}>{props.label}</th>;
  const isActive = sort.by === column;
  const next = isActive ? (sort.order === 'asc' ? 'desc' : 'asc') : (props.first ?? 'asc');
  return (
    <th
      aria-sort={isActive ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}
      aria-label={props.ariaLabel}
    >
      <button
        type="button"
        className="sort-header"
        onClick={() => sort.onChange(column, next)}
        data-testid={`device-sort-${column}`}
      >
        {props.label || props.ariaLabel}
        {isActive && <span aria-hidden="true">{sort.order === 'asc' ? ' ▲' : ' ▼'}</span>}
      </button>
    </th>
  );
}

function DeviceRow({
  device,
  now,
  selection,
}: {
  device: Device;
  now: number;
  selection: TableSelection | undefined;
}) {
  const { stats } = device;
  const disk = mainDisk(stats);
  const href = `/devices/${encodeURIComponent(device.id)}`;
  return (
    <tr
      data-testid="device-row"
      data-device-id={device.id}
      data-online={String(device.online)}
      className={device.online ? undefined : 'is-dimmed'}
    >
      {selection && (
        <td>
          <input
            type="checkbox"
            aria-label={`Select ${visibleText(device.name)}`}
            checked={selection.selected.has(device.id)}
            onChange={(event) => {
              const next = new Set(selection.selected);
              if (event.target.checked) next.add(device.id);
              else next.delete(device.id);
              selection.onChange(next);
            }}
            data-testid="device-select"
          />
        </td>
      )}
      <td>
        <StatusDot isOnline={device.online} />
      </td>
      <td className="name-cell">
        <Link href={href} className="strong" data-testid="device-name">
          {visibleText(device.name)}
        </Link>
        {device.lostAt && (
          <span className="badge badge-lost" data-testid="device-lost">
            Lost
          </span>
        )}
        {device.tags && device.tags.length > 0 && (
          <div className="muted small" data-testid="device-tags">
            {device.tags.map((tag) => visibleText(tag)).join(' · ')}
          </div>
        )}
        {stats?.screenThumbnail && (
          <img
            src={stats.screenThumbnail}
            alt={`Screen of ${visibleText(device.name)}`}
            className="device-thumbnail"
            data-testid="device-thumbnail"
          />
        )}
      </td>
      <td>{visibleText(device.group)}</td>
      <td className="mono">{visibleText(device.hostname)}</td>
      <td>{osLabel(device)}</td>
      <td className="mono">{visibleText(device.agentVersion)}</td>
      <td className="nowrap" title={device.lastSeenAt ?? undefined}>
        {lastSeenLabel(device, now)}
      </td>
      <td className="nowrap">
        <UnattendedIndicator device={device} isCompact />
      </td>
      <td>
        <UsageBar percent={cpuPercent(stats)} label="CPU" />
      </td>
      <td>
        <UsageBar
          percent={memoryPercent(stats)}
          label={
            stats?.memory
              ? `${formatBytes(stats.memory.usedBytes)} of ${formatBytes(stats.memory.totalBytes)}`
              : undefined
          }
        />
      </td>
      <td>
        <UsageBar
          percent={diskPercent(stats)}
          label={
            disk
              ? `${visibleText(disk.mount)}: ${formatBytes(disk.usedBytes)} of ${formatBytes(disk.totalBytes)}`
              : undefined
          }
        />
      </td>
      <td>{stats?.uptimeSec === undefined ? '—' : formatDuration(stats.uptimeSec)}</td>
      <td>
        {stats?.consoleUser ? visibleText(stats.consoleUser) : <span className="muted">—</span>}
      </td>
    </tr>
  );
}

/**
 * The device overview table. Every string from an agent is rendered as text. With `sort` the
 * headers sort (on the server); with `selection` each row has a checkbox.
 *
 * @example
 * <DeviceTable devices={devices} now={Date.now()} />
 */
export function DeviceTable(props: {
  devices: readonly Device[];
  now: number;
  sort?: TableSort;
  selection?: TableSelection;
}) {
  const { devices, now, sort, selection } = props;
  const pageIds = devices.map((device) => device.id);
  const isPageSelected =
    pageIds.length > 0 && pageIds.every((id) => selection?.selected.has(id) === true);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="device-table">
        <thead>
          <tr>
            {selection && (
              <th>
                <input
                  type="checkbox"
                  aria-label="Select every device of this page"
                  checked={isPageSelected}
                  onChange={(event) => {
                    const next = new Set(selection.selected);
                    for (const id of pageIds) {
                      if (event.target.checked) next.add(id);
                      else next.delete(id);
                    }
                    selection.onChange(next);
                  }}
                  data-testid="device-select-page"
                />
              </th>
            )}
            <SortHeader column="online" label="" ariaLabel="Status" sort={sort} first="desc" />
            <SortHeader column="name" label="Name" sort={sort} />
            <SortHeader column="group" label="Group" sort={sort} />
            <th>Hostname</th>
            <SortHeader column="os" label="Operating system" sort={sort} />
            <SortHeader column="version" label="Agent" sort={sort} />
            <SortHeader column="lastSeen" label="Last seen" sort={sort} first="desc" />
            <th>Unattended</th>
            <th>CPU</th>
            <th>Memory</th>
            <th>Disk</th>
            <th>Uptime</th>
            <th>Console user</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((device) => (
            <DeviceRow key={device.id} device={device} now={now} selection={selection} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
