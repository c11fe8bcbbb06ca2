import type { AuditEntry } from '@tether/protocol';
import { formatDateTime } from '../../format/format.js';
import { visibleText } from '../../format/visible-text.js';
import { Link } from '../../routing/link.js';
import { actionArea, actionLabel } from './action-labels.js';
import { auditPath } from './audit-filters.js';

function detailsText(details: AuditEntry['details']): string {
  const entries = Object.entries(details);
  if (entries.length === 0) return '';
  return entries
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

/** Who acted: the user's name (a link to their entries), else the actor as recorded. */
function UserCell({ entry }: { entry: AuditEntry }) {
  const { user } = entry;
  if (!user) {
    // The device itself (`device:<id>`) is named in its own column.
    const actor = entry.actor.startsWith('device:') && entry.device ? 'the device' : entry.actor;
    return <span className="muted">{visibleText(actor)}</span>;
  }
  const name = user.displayName || user.username;
  return (
    <>
      <Link
        href={auditPath({ user: user.id })}
        title={`${user.username} — show only this user's entries`}
        data-testid="audit-user"
      >
        {visibleText(name)}
      </Link>
      {user.isDeleted && <span className="muted small"> (deleted)</span>}
    </>
  );
}

/** The device: its name as it is now, a link to its page; the filter link beside. */
function DeviceCell({ entry }: { entry: AuditEntry }) {
  const { device } = entry;
  if (!device) return <>—</>;
  return (
    <>
      <Link href={`/devices/${encodeURIComponent(device.id)}`} data-testid="audit-device">
        {visibleText(device.name)}
      </Link>{' '}
      <Link
        href={auditPath({ device: device.id })}
        className="muted small"
        title="Show only this device's entries"
      >
        filter
      </Link>
    </>
  );
}

/** The target when it is not the device already shown, and the session or recording. */
function SubjectCell({ entry }: { entry: AuditEntry }) {
  const target = entry.target && entry.target !== entry.device?.id ? entry.target : undefined;
  return (
    <>
      {target && <div className="mono small">{visibleText(target)}</div>}
      {entry.recordingId ? (
        <Link href={`/recordings/${encodeURIComponent(entry.recordingId)}`} className="small">
          Recording
        </Link>
      ) : (
        entry.sessionId && (
          <span className="mono small muted" title={entry.sessionId}>
            session {entry.sessionId.slice(0, 8)}
          </span>
        )
      )}
      {!target && !entry.sessionId && !entry.recordingId && '—'}
    </>
  );
}

/**
 * Audit entries with the names of their users and devices. Names, targets and details carry
 * text users and devices chose: hidden characters show.
 *
 * @example
 * <AuditTable entries={page.entries} />
 */
export function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid="audit-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Action</th>
            <th>User</th>
            <th>Device</th>
            <th>Subject</th>
            <th>Source</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr
              key={entry.id}
              data-testid="audit-row"
              data-action={entry.action}
              data-device-id={entry.device?.id ?? ''}
            >
              <td className="nowrap">{formatDateTime(entry.at, { withSeconds: true })}</td>
              <td>
                <span className="badge badge-action" title={entry.action}>
                  {actionArea(entry.action)}: {actionLabel(entry.action)}
                </span>
              </td>
              <td>
                <UserCell entry={entry} />
              </td>
              <td>
                <DeviceCell entry={entry} />
              </td>
              <td>
                <SubjectCell entry={entry} />
              </td>
              <td className="mono small">{entry.sourceAddress ?? '—'}</td>
              <td className="mono small details">{visibleText(detailsText(entry.details))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
