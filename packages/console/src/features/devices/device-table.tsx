import type { Device } from '@tether/protocol';
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

function DeviceRow({ device, now }: { device: Device; now: number }) {
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
      <td>
        <StatusDot isOnline={device.online} />
      </td>
      <td className="name-cell">
        <Link href={href} className="strong" data-testid="device-name">
          {visibleText(device.name)}
        </Link>
        <div className="muted small">{visibleText(device.group)}</div>
        {stats?.screenThumbnail && (
          <img
            src={stats.screenThumbnail}
            alt={`Screen of ${visibleText(device.name)}`}
            className="device-thumbnail"
            data-testid="device-thumbnail"
          />
        )}
      </td>
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
 * The device overview table. Every string from an agent is rendered as text.
 *
 * @example
 * <DeviceTable devices={devices} now={Date.now()} />
 */
export function DeviceTable({ devices, now }: { devices: readonly Device[]; now: number }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="device-table">
        <thead>
          <tr>
            <th aria-label="Status" />
            <th>Name</th>
            <th>Hostname</th>
            <th>Operating system</th>
            <th>Agent</th>
            <th>Last seen</th>
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
            <DeviceRow key={device.id} device={device} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
