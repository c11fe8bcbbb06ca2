import type { AuditEntry } from '@tether/protocol';
import { useState } from 'react';
import { EmptyState } from '../../components/empty-state.js';
import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { useConsole } from '../../api/console-context.js';
import { formatDateTime } from '../../format/format.js';
import { visibleText } from '../../format/visible-text.js';
import { useLoad } from '../../hooks/use-load.js';

const PAGE_SIZE = 50;

function detailsText(details: AuditEntry['details']): string {
  const entries = Object.entries(details);
  if (entries.length === 0) return '';
  return entries
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

/** Actors, targets and details carry names users and devices chose: hidden characters show. */
function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid="audit-table">
        <thead>
          <tr>
            <th>Time</th>
            <th>Action</th>
            <th>Actor</th>
            <th>Target</th>
            <th>Source</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
              <td className="nowrap">{formatDateTime(entry.at, { withSeconds: true })}</td>
              <td>
                <span className="badge badge-action">{entry.action}</span>
              </td>
              <td>{visibleText(entry.actor)}</td>
              <td className="mono small">{entry.target ? visibleText(entry.target) : '—'}</td>
              <td className="mono small">{entry.sourceAddress ?? '—'}</td>
              <td className="mono small details">{visibleText(detailsText(entry.details))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The audit log, newest first, fifty entries a page, with an export of the whole log.
 *
 * @example
 * <AuditPage />
 */
export function AuditPage() {
  const { api } = useConsole();
  // Cursors of the pages seen so far: `before` ids, the newest page first (undefined = newest).
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const before = cursors[cursors.length - 1];
  const [page, reload] = useLoad(
    (client) => client.listAudit({ limit: PAGE_SIZE, before }),
    [before],
  );

  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Security-relevant events: sign-ins, sessions, installers, settings. Newest first."
        actions={
          <a
            className="button"
            href={api.auditExportUrl()}
            download="tether-audit.ndjson"
            data-testid="audit-export"
          >
            Export (NDJSON)
          </a>
        }
      />
      <Loaded load={page} onRetry={reload}>
        {(entries) => (
          <>
            {entries.length === 0 ? (
              <EmptyState title={cursors.length > 1 ? 'No older entries' : 'No events yet'}>
                <p>
                  Events are recorded as technicians sign in, open sessions and change settings.
                </p>
              </EmptyState>
            ) : (
              <AuditTable entries={entries} />
            )}
            <div className="pager">
              <button
                type="button"
                className="button"
                disabled={cursors.length === 1}
                onClick={() => setCursors((list) => list.slice(0, -1))}
                data-testid="audit-newer"
              >
                ← Newer
              </button>
              <span className="muted">Page {cursors.length}</span>
              <button
                type="button"
                className="button"
                disabled={entries.length < PAGE_SIZE}
                onClick={() => {
                  const oldest = entries[entries.length - 1];
                  if (oldest) setCursors((list) => [...list, oldest.id]);
                }}
                data-testid="audit-older"
              >
                Older →
              </button>
            </div>
          </>
        )}
      </Loaded>
    </>
  );
}
