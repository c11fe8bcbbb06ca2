import type { Session } from '@tether/protocol';
import { formatDateTime, formatDuration } from '../../format/format.js';
import { visibleText } from '../../format/visible-text.js';

function sessionLength(session: Session): string {
  if (!session.startedAt) return '—';
  const end = session.endedAt ? Date.parse(session.endedAt) : Date.now();
  return formatDuration((end - Date.parse(session.startedAt)) / 1000);
}

/**
 * Recent sessions of a device, newest first.
 *
 * @example
 * <SessionList sessions={sessions} />
 */
export function SessionList({ sessions }: { sessions: readonly Session[] }) {
  if (sessions.length === 0) {
    return <p className="muted">No sessions yet. Open a terminal to start one.</p>;
  }
  const newestFirst = [...sessions].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <div className="table-wrap">
      <table className="table" data-testid="session-list">
        <thead>
          <tr>
            <th>Started</th>
            <th>Kind</th>
            <th>State</th>
            <th>Length</th>
            <th>End reason</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst.slice(0, 20).map((session) => (
            <tr key={session.id} data-testid="session-row" data-session-id={session.id}>
              <td>{formatDateTime(session.startedAt ?? session.createdAt)}</td>
              <td>{session.kind}</td>
              <td>
                <span className={`badge badge-${session.state}`}>{session.state}</span>
              </td>
              <td>{sessionLength(session)}</td>
              <td>
                {/* The reason may quote the device (its agent's refusal): hidden characters show. */}
                {session.endReason ? (
                  visibleText(session.endReason)
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
