import type { Device, DeviceList, DeviceSort } from '@tether/protocol';
import { useCallback, useMemo, useRef, useState } from 'react';
import { EmptyState } from '../../components/empty-state.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { InvitationsPanel } from '../sessions/join-invitation.js';
import { useLiveDevices } from './use-live-devices.js';
import { useLoad } from '../../hooks/use-load.js';
import { useNow } from '../../hooks/use-now.js';
import { Link } from '../../routing/link.js';
import { DeviceBulkActions } from './device-bulk-actions.js';
import { DeviceListFilters, type DeviceFilters } from './device-list-filters.js';
import { DeviceTable } from './device-table.js';

/** Devices per page: a screenful with room, small enough that every page loads at once. */
const PAGE_SIZE = 50;

interface ListView {
  filters: DeviceFilters;
  sort: DeviceSort;
  order: 'asc' | 'desc';
  offset: number;
}

/** Online first, then by name: what the list showed before it had sorting. */
const FIRST_VIEW: ListView = { filters: {}, sort: 'online', order: 'desc', offset: 0 };

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
 * The page's rows with their latest state from the event stream (rows only: the server pages),
 * without the devices deleted since it loaded.
 */
function withLiveState(
  page: DeviceList,
  updates: ReadonlyMap<string, Device>,
  deleted: ReadonlySet<string>,
): Device[] {
  return page.devices
    .filter((device) => !deleted.has(device.id))
    .map((device) => updates.get(device.id) ?? device);
}

/** Values seen in the list so far, offered by the tag, system and version filters. */
function useSeenValues(devices: readonly Device[]) {
  const seen = useRef({
    tags: new Set<string>(),
    os: new Set<string>(),
    versions: new Set<string>(),
  });
  for (const device of devices) {
    for (const tag of device.tags ?? []) seen.current.tags.add(tag);
    seen.current.os.add(device.os.name);
    seen.current.versions.add(device.agentVersion);
  }
  const sorted = (values: Set<string>) => [...values].sort();
  return {
    tags: sorted(seen.current.tags),
    os: sorted(seen.current.os),
    versions: sorted(seen.current.versions),
  };
}

function Pager(props: { page: DeviceList; onOffset: (offset: number) => void }) {
  const { page, onOffset } = props;
  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = page.offset + page.devices.length;
  return (
    <div className="pager">
      <button
        type="button"
        className="button"
        disabled={page.offset === 0}
        onClick={() => onOffset(Math.max(0, page.offset - page.limit))}
        data-testid="device-page-previous"
      >
        ← Previous
      </button>
      <span className="muted" data-testid="device-page-range">
        {first}–{last} of {page.total}
      </span>
      <button
        type="button"
        className="button"
        disabled={last >= page.total}
        onClick={() => onOffset(page.offset + page.limit)}
        data-testid="device-page-next"
      >
        Next →
      </button>
    </div>
  );
}

/**
 * The devices: search, filters, sortable columns and pages, all answered by the server (a fleet
 * of 20,000 stays fast); rows stay live from the server's event stream; ticked devices get bulk
 * actions.
 *
 * @example
 * <DevicesPage />
 */
export function DevicesPage() {
  const [view, setView] = useState<ListView>(FIRST_VIEW);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [list, reload] = useLoad(
    (api) =>
      api.queryDevices({
        ...view.filters,
        sort: view.sort,
        order: view.order,
        offset: view.offset,
        limit: PAGE_SIZE,
      }),
    [JSON.stringify(view)],
  );
  const live = useLiveDevices();
  const now = useNow(30_000);
  const rows = useMemo(
    () => (list.state === 'ready' ? withLiveState(list.value, live.updates, live.deleted) : []),
    [list, live.updates, live.deleted],
  );
  const seen = useSeenValues(rows);
  // A cleared filter is `undefined`, which JSON leaves out.
  const isFiltered = JSON.stringify(view.filters) !== '{}';
  const onFilters = useCallback(
    (filters: DeviceFilters) => setView((current) => ({ ...current, filters, offset: 0 })),
    [],
  );
  const onSort = useCallback(
    (sort: DeviceSort, order: 'asc' | 'desc') =>
      setView((current) => ({ ...current, sort, order, offset: 0 })),
    [],
  );
  const onBulkDone = useCallback(() => {
    setSelected(new Set());
    reload();
  }, [reload]);

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
      <DeviceListFilters filters={view.filters} onChange={onFilters} seen={seen} />
      <Loaded load={list} onRetry={reload}>
        {(page) => {
          if (page.total === 0 && !isFiltered) return <NoDevices />;
          const online = rows.filter((device) => device.online).length;
          return (
            <>
              <div className="summary-bar">
                <p className="muted summary" data-testid="device-summary">
                  {page.total === rows.length
                    ? `${online} of ${page.total} online`
                    : `${page.total} devices; on this page ${online} of ${rows.length} online`}
                </p>
                {selected.size > 0 && (
                  <p className="muted">
                    <span data-testid="device-selected-count">{selected.size} selected</span>{' '}
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => setSelected(new Set())}
                      data-testid="device-select-clear"
                    >
                      Clear
                    </button>
                  </p>
                )}
              </div>
              {selected.size > 0 && (
                <DeviceBulkActions deviceIds={[...selected]} onDone={onBulkDone} />
              )}
              {page.total === 0 ? (
                <EmptyState title="No device matches">
                  <p>Clear a filter or search for something else.</p>
                </EmptyState>
              ) : (
                <>
                  <DeviceTable
                    devices={rows}
                    now={now}
                    sort={{ by: view.sort, order: view.order, onChange: onSort }}
                    selection={{ selected, onChange: setSelected }}
                  />
                  <Pager
                    page={page}
                    onOffset={(offset) => setView((current) => ({ ...current, offset }))}
                  />
                </>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}
