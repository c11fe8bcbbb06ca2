import type { AuditEntry } from '@tether/protocol';
import type { AuditFilter } from '@tether/sdk';
import { useMemo, useState } from 'react';
import { EmptyState } from '../../components/empty-state.js';
import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { useConsole } from '../../api/console-context.js';
import { useLoad } from '../../hooks/use-load.js';
import { navigate, useSearch } from '../../routing/navigation.js';
import { AuditFilterBar, type SeenNames } from './audit-filter-bar.js';
import { auditPath, filtersFromSearch } from './audit-filters.js';
import { AuditTable } from './audit-table.js';

const PAGE_SIZE = 50;

function seenNames(entries: readonly AuditEntry[]): SeenNames {
  const users = new Map<string, string>();
  const devices = new Map<string, string>();
  for (const { user, device } of entries) {
    if (user) users.set(user.id, user.displayName || user.username);
    if (device) devices.set(device.id, device.name);
  }
  return { users, devices };
}

/** "Download CSV" and "Download JSON" of exactly the filtered view (all its pages). */
function Downloads({ filter }: { filter: AuditFilter }) {
  const { api } = useConsole();
  return (
    <>
      <a
        className="button"
        href={api.auditExportUrl(filter, 'csv')}
        download
        data-testid="audit-export-csv"
      >
        Download CSV
      </a>
      <a
        className="button"
        href={api.auditExportUrl(filter, 'json')}
        download
        data-testid="audit-export-json"
      >
        Download JSON
      </a>
    </>
  );
}

/**
 * The audit log, newest first, fifty entries a page, filtered by user, device, actions, time and
 * text. The filters live in the URL, so a filtered view can be shared; the downloads export it.
 *
 * @example
 * <AuditPage />
 */
export function AuditPage() {
  const search = useSearch();
  const filter = useMemo(() => filtersFromSearch(search), [search]);
  // Cursors of the pages seen so far: `before` ids, the newest page first (undefined = newest).
  const [pages, setPages] = useState<{ search: string; cursors: (number | undefined)[] }>({
    search,
    cursors: [undefined],
  });
  // New filters start again at the newest page.
  const cursors = pages.search === search ? pages.cursors : [undefined];
  const before = cursors[cursors.length - 1];
  const [page, reload] = useLoad(
    (client) => client.listAuditPage({ ...filter, limit: PAGE_SIZE, before }),
    [search, before],
  );
  const seen = useMemo(() => seenNames(page.state === 'ready' ? page.value.entries : []), [page]);
  const isFiltered = Object.keys(filter).length > 0;

  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Security-relevant events: sign-ins, sessions, installers, settings. Newest first."
        actions={<Downloads filter={filter} />}
      />
      <AuditFilterBar filter={filter} seen={seen} onChange={(next) => navigate(auditPath(next))} />
      <Loaded load={page} onRetry={reload}>
        {({ entries, hasMore }) => (
          <>
            {entries.length === 0 ? (
              <EmptyState
                title={
                  cursors.length > 1
                    ? 'No older entries'
                    : isFiltered
                      ? 'No entries match these filters'
                      : 'No events yet'
                }
              >
                <p>
                  {isFiltered
                    ? 'Widen the time range or clear a filter.'
                    : 'Events are recorded as technicians sign in, open sessions and change settings.'}
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
                onClick={() => setPages({ search, cursors: cursors.slice(0, -1) })}
                data-testid="audit-newer"
              >
                ← Newer
              </button>
              <span className="muted">Page {cursors.length}</span>
              <button
                type="button"
                className="button"
                disabled={!hasMore}
                onClick={() => {
                  const oldest = entries[entries.length - 1];
                  if (oldest) setPages({ search, cursors: [...cursors, oldest.id] });
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
