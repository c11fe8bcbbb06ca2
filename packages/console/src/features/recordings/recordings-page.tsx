import type { Recording } from '@tether/protocol';
import { EmptyState } from '../../components/empty-state.js';
import { RecordingDownload } from './recording-download.js';
import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { formatBytes, formatClock, formatDateTime } from '../../format/format.js';
import { useLoad } from '../../hooks/use-load.js';
import { Link } from '../../routing/link.js';
import { UploadStatus } from './upload-status.js';
import { visibleText } from '../../format/visible-text.js';

const stateLabels: Record<Recording['state'], string> = {
  recording: 'Recording',
  complete: 'Complete',
  interrupted: 'Interrupted',
};

function RecordingRow({ recording, onChanged }: { recording: Recording; onChanged: () => void }) {
  const href = `/recordings/${encodeURIComponent(recording.id)}`;
  return (
    <tr data-testid="recording-row" data-recording-id={recording.id}>
      <td>
        <Link href={`/devices/${encodeURIComponent(recording.deviceId)}`}>
          {visibleText(recording.deviceName)}
        </Link>
      </td>
      <td>{recording.username}</td>
      <td>{recording.kind}</td>
      <td>{formatDateTime(recording.startedAt)}</td>
      <td className="mono">{formatClock(recording.durationMs / 1000)}</td>
      <td>{formatBytes(recording.sizeBytes)}</td>
      <td>
        <span className={`badge badge-${recording.state}`}>{stateLabels[recording.state]}</span>
      </td>
      <td>
        <UploadStatus
          recordingId={recording.id}
          upload={recording.upload ?? null}
          onRetried={onChanged}
        />
      </td>
      <td className="align-end">
        <div className="row-actions">
          <Link href={href} className="button button-small" data-testid="recording-play">
            ▶ Play
          </Link>
          <RecordingDownload recording={recording} />
        </div>
      </td>
    </tr>
  );
}

/**
 * Every session recording, newest first, each with a link to the player.
 *
 * @example
 * <RecordingsPage />
 */
export function RecordingsPage() {
  const [recordings, reload] = useLoad((api) => api.listRecordings(), []);
  return (
    <>
      <PageHeader
        title="Recordings"
        subtitle="Sessions are recorded on the server: replay them here, or download their files."
        actions={
          <button type="button" className="button" onClick={reload}>
            Refresh
          </button>
        }
      />
      <Loaded load={recordings} onRetry={reload}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No recordings yet">
              <p>
                Each terminal session is recorded. Open a device from{' '}
                <Link href="/devices">Devices</Link> and start a terminal; its recording appears
                here when the session starts.
              </p>
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="recording-table">
                <thead>
                  <tr>
                    <th>Device</th>
                    <th>Technician</th>
                    <th>Kind</th>
                    <th>Started</th>
                    <th>Duration</th>
                    <th>Size</th>
                    <th>State</th>
                    <th>Upload</th>
                    <th aria-label="Actions" />
                  </tr>
                </thead>
                <tbody>
                  {[...list]
                    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
                    .map((recording) => (
                      <RecordingRow key={recording.id} recording={recording} onChanged={reload} />
                    ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </>
  );
}
