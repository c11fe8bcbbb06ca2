import { Fragment } from 'react';
import type { DeviceStats } from '@tether/protocol';
import { UsageBar } from '../../components/usage-bar.js';
import { formatBytes, formatDuration, percent } from '../../format/format.js';
import { visibleText } from '../../format/visible-text.js';

/**
 * The statistics of one device: CPU, memory, every disk, uptime and console user.
 *
 * @example
 * <DeviceStatsPanel stats={device.stats} />
 */
export function DeviceStatsPanel({ stats }: { stats: DeviceStats | null }) {
  if (stats === null) {
    return (
      <p className="muted">
        No statistics yet. The agent sends them at the interval chosen in Settings.
      </p>
    );
  }
  return (
    <dl className="facts" data-testid="device-stats">
      <dt>CPU</dt>
      <dd>
        <UsageBar
          percent={stats.cpuPercent === undefined ? undefined : Math.round(stats.cpuPercent)}
        />
      </dd>
      <dt>Memory</dt>
      <dd>
        {stats.memory ? (
          <>
            <UsageBar percent={percent(stats.memory.usedBytes, stats.memory.totalBytes)} />{' '}
            <span className="muted small">
              {formatBytes(stats.memory.usedBytes)} of {formatBytes(stats.memory.totalBytes)}
            </span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </dd>
      {(stats.disks ?? []).map((disk) => (
        <Fragment key={disk.mount}>
          <dt>
            Disk <span className="mono">{disk.mount}</span>
          </dt>
          <dd>
            <UsageBar percent={percent(disk.usedBytes, disk.totalBytes)} />{' '}
            <span className="muted small">
              {formatBytes(disk.usedBytes)} of {formatBytes(disk.totalBytes)}
            </span>
          </dd>
        </Fragment>
      ))}
      <dt>Uptime</dt>
      <dd>{stats.uptimeSec === undefined ? '—' : formatDuration(stats.uptimeSec)}</dd>
      <dt>Console user</dt>
      <dd>
        {stats.consoleUser ? (
          visibleText(stats.consoleUser)
        ) : (
          <span className="muted">nobody signed in</span>
        )}
      </dd>
    </dl>
  );
}
