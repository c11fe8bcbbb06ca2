import type { Device } from '@tether/protocol';
import { useState } from 'react';
import { EmptyState } from '../../components/empty-state.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { InvitationsPanel } from '../sessions/join-invitation.js';
import { mergeDevices, useLiveDevices } from './use-live-devices.js';
import { useLoad } from '../../hooks/use-load.js';
import { useNow } from '../../hooks/use-now.js';
import { Link } from '../../routing/link.js';
import { DeviceTable } from './device-table.js';
import { visibleText } from '../../format/visible-text.js';

function byStatusThenName(a: Device, b: Device): number {
  if (a.online !== b.online) return a.online ? -1 : 1;
  return a.name.localeCompare(b.name);
}

function NoDevices() {
  return (
    <EmptyState title="No devices yet">
      <p>
        Devices appear here once the Tether agent is installed on them. To add one,{' '}
        <Link href="/installers">create an installer</Link>, then run its enrolment command on the
        machine you want to manage. The device shows up here within seconds.
      </p>
    </EmptyState>
  );
}

/**
 * All devices, with live status and statistics from the server's event stream.
 *
 * @example
 * <DevicesPage />
 */
export function DevicesPage() {
  const [devices, reload] = useLoad((api) => api.listDevices(), []);
  const live = useLiveDevices();
  const now = useNow(30_000);
  const [group, setGroup] = useState('');

  return (
    <>
      <PageHeader
        title="Devices"
        subtitle="Machines with the Tether agent. Status and statistics update live."
        actions={
          <>
            <Link href="/connect" className="button" data-testid="connect-with-access-file">
              Connect with access file
            </Link>
            <Link href="/installers" className="button">
              Add a device
            </Link>
          </>
        }
      />
      {!live.isLive && (
        <Notice kind="warning">
          Live updates are paused: the connection to the server was lost. Reconnecting…
        </Notice>
      )}
      <InvitationsPanel />
      <Loaded load={devices} onRetry={reload}>
        {(loaded) => {
          const all = mergeDevices(loaded, live.updates, live.deleted).sort(byStatusThenName);
          if (all.length === 0) return <NoDevices />;
          const groups = [...new Set(all.map((device) => device.group))].sort();
          const shown = all.filter((device) => group === '' || device.group === group);
          const online = shown.filter((device) => device.online).length;
          return (
            <>
              <div className="summary-bar">
                <p className="muted summary" data-testid="device-summary">
                  {online} of {shown.length} online
                </p>
                {groups.length > 1 && (
                  <label className="inline-filter">
                    <span className="muted">Group</span>{' '}
                    <select
                      value={group}
                      onChange={(event) => setGroup(event.target.value)}
                      data-testid="device-group-filter"
                    >
                      <option value="">All groups</option>
                      {groups.map((name) => (
                        <option key={name} value={name}>
                          {visibleText(name)}
                        </option>
                      ))}
                    </select>
                  </label>
                )}
              </div>
              <DeviceTable devices={shown} now={now} />
            </>
          );
        }}
      </Loaded>
    </>
  );
}
