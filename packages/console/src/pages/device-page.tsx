import type { AssistanceMode, Device } from '@tether/protocol';
import { useState } from 'react';
import { AssistanceModePicker } from '../assistance/assistance-mode-picker.js';
import { withMode } from '../assistance/assistance-mode.js';
import { Loaded } from '../components/loaded.js';
import { PageHeader } from '../components/page-header.js';
import { StatusDot } from '../components/status-dot.js';
import { lastSeenLabel, osLabel } from '../format/device-figures.js';
import { formatDateTime } from '../format/format.js';
import { useLiveDevices } from '../hooks/use-live-devices.js';
import { useLoad } from '../hooks/use-load.js';
import { useNow } from '../hooks/use-now.js';
import { Link } from '../routing/link.js';
import { navigate } from '../routing/navigation.js';
import { DeviceStatsPanel } from './device-stats.js';
import { EffectivePolicyPanel } from './effective-policy-panel.js';
import { SessionList } from './session-list.js';

function DeviceDetails({ device, now }: { device: Device; now: number }) {
  return (
    <dl className="facts" data-testid="device-details">
      <dt>Status</dt>
      <dd>
        <StatusDot isOnline={device.online} /> {lastSeenLabel(device, now)}
      </dd>
      <dt>Hostname</dt>
      <dd className="mono">{device.hostname}</dd>
      <dt>Operating system</dt>
      <dd>{osLabel(device)}</dd>
      <dt>Group</dt>
      <dd>{device.group}</dd>
      <dt>Agent version</dt>
      <dd className="mono">{device.agentVersion}</dd>
      <dt>Enrolled</dt>
      <dd>{formatDateTime(device.enrolledAt)}</dd>
      <dt>Device ID</dt>
      <dd className="mono small">{device.id}</dd>
    </dl>
  );
}

function OpenTerminal({ device }: { device: Device }) {
  const [mode, setMode] = useState<AssistanceMode | undefined>(undefined);
  return (
    <div className="open-terminal">
      <AssistanceModePicker value={mode} onChange={setMode} />
      <button
        type="button"
        className="button button-primary"
        disabled={!device.online}
        onClick={() =>
          navigate(withMode(`/devices/${encodeURIComponent(device.id)}/terminal`, mode))
        }
        data-testid="open-terminal"
      >
        Open terminal
      </button>
      <button
        type="button"
        className="button"
        disabled={!device.online}
        onClick={() => navigate(withMode(`/devices/${encodeURIComponent(device.id)}/files`, mode))}
        data-testid="open-files"
      >
        Files
      </button>
      <button
        type="button"
        className="button"
        disabled={!device.online}
        onClick={() =>
          navigate(withMode(`/devices/${encodeURIComponent(device.id)}/desktop`, mode))
        }
        data-testid="open-desktop"
      >
        Open desktop
      </button>
      {!device.online && (
        <span className="muted small">
          The device is offline; sessions open once it reconnects.
        </span>
      )}
    </div>
  );
}

/**
 * One device: details, statistics, a button to open a terminal, and its recent sessions.
 *
 * @example
 * <DevicePage deviceId={id} />
 */
export function DevicePage({ deviceId }: { deviceId: string }) {
  const [loaded, reload] = useLoad((api) => api.getDevice(deviceId), [deviceId]);
  const [sessions, reloadSessions] = useLoad((api) => api.listSessions({ deviceId }), [deviceId]);
  const live = useLiveDevices();
  const now = useNow(30_000);

  return (
    <>
      <p className="breadcrumb">
        <Link href="/devices">← Devices</Link>
      </p>
      <Loaded load={loaded} onRetry={reload}>
        {(initial) => {
          const device = live.updates.get(initial.id) ?? initial;
          return (
            <>
              <PageHeader
                title={device.name}
                subtitle={device.hostname === device.name ? undefined : device.hostname}
                actions={<OpenTerminal device={device} />}
              />
              <div className="columns">
                <section className="card">
                  <h2>Details</h2>
                  <DeviceDetails device={device} now={now} />
                </section>
                <section className="card">
                  <h2>Statistics</h2>
                  <DeviceStatsPanel stats={device.stats} />
                  {device.statsAt && (
                    <p className="muted small">
                      Updated {formatDateTime(device.statsAt, { withSeconds: true })}
                    </p>
                  )}
                </section>
              </div>
            </>
          );
        }}
      </Loaded>
      <EffectivePolicyPanel deviceId={deviceId} />
      <section className="card">
        <h2>Recent sessions</h2>
        <Loaded load={sessions} onRetry={reloadSessions}>
          {(list) => <SessionList sessions={list} />}
        </Loaded>
      </section>
    </>
  );
}
