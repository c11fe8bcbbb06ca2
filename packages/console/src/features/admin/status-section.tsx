import { serverStatusEndpoints, type ServerStatus } from '@tether/protocol';
import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { UsageBar } from '../../components/usage-bar.js';
import { formatBytes, formatDateTime, formatDuration, percent } from '../../format/format.js';
import { useLoad } from '../../hooks/use-load.js';

/** Where the database is: the SQLite file, or the PostgreSQL server (never its password). */
function DatabaseFacts({ database }: { database: ServerStatus['database'] }) {
  if (database.engine === 'sqlite')
    return (
      <>
        SQLite <span className="mono">{database.path}</span> ({formatBytes(database.sizeBytes)})
      </>
    );
  const port = database.port === null ? '' : `:${database.port}`;
  return (
    <>
      PostgreSQL{' '}
      <span className="mono">
        {database.host}
        {port}/{database.database}
      </span>
    </>
  );
}

function DiskFacts({ disk }: { disk: ServerStatus['disk'] }) {
  if (disk === null) return <span className="muted">Not known on this platform</span>;
  const used = disk.totalBytes - disk.freeBytes;
  return (
    <>
      {formatBytes(disk.freeBytes)} free of {formatBytes(disk.totalBytes)}{' '}
      <UsageBar percent={percent(used, disk.totalBytes)} label="Used" /> (
      <span className="mono">{disk.path}</span>)
    </>
  );
}

function StatusFacts({ status }: { status: ServerStatus }) {
  return (
    <dl className="facts" data-testid="server-status">
      <dt>Version</dt>
      <dd data-testid="status-version">{status.version}</dd>
      <dt>Running since</dt>
      <dd data-testid="status-started">
        {formatDateTime(status.startedAt)} (up {formatDuration(status.uptimeSec)})
      </dd>
      <dt>Database</dt>
      <dd data-testid="status-database">
        <DatabaseFacts database={status.database} />
      </dd>
      <dt>Devices online</dt>
      <dd data-testid="status-devices-online">{status.devicesOnline}</dd>
      <dt>Active sessions</dt>
      <dd data-testid="status-sessions-active">{status.sessionsActive}</dd>
      <dt>Data directory disk</dt>
      <dd data-testid="status-disk">
        <DiskFacts disk={status.disk} />
      </dd>
      <dt>Console URL</dt>
      <dd className="mono" data-testid="status-public-url">
        {status.publicUrl}
      </dd>
      <dt>Listeners</dt>
      <dd data-testid="status-listeners">
        <ul className="plain-list">
          {status.listeners.map((listener) => (
            <li key={listener.purpose}>
              {listener.purpose}:{' '}
              <span className="mono">{`${listener.host}:${listener.port}`}</span>
              {listener.isBound ? '' : ' — could not bind (see the server log)'}
            </li>
          ))}
        </ul>
      </dd>
    </dl>
  );
}

/**
 * The admin console's first page: the server at a glance (version, uptime, database, devices
 * online, sessions, disk, URLs and listeners).
 *
 * @example
 * <StatusSection />
 */
export function StatusSection() {
  const [status, reload] = useLoad((api) => api.call(serverStatusEndpoints.get, {}), []);
  return (
    <>
      <PageHeader
        title="Server status"
        actions={
          <button
            type="button"
            className="button button-quiet"
            onClick={reload}
            data-testid="status-refresh"
          >
            Refresh
          </button>
        }
      />
      <Loaded load={status} onRetry={reload}>
        {(value) => <StatusFacts status={value} />}
      </Loaded>
    </>
  );
}
