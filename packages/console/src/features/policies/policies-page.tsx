import type { Policy } from '@tether/protocol';
import { EmptyState } from '../../components/empty-state.js';
import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { formatDateTime } from '../../format/format.js';
import { useLoad } from '../../hooks/use-load.js';
import { Link } from '../../routing/link.js';
import { assignmentsSummary, settingLines } from './policy-labels.js';
import { useConsole } from '../../api/console-context.js';
import { NotAllowed } from '../../components/not-allowed.js';

function PolicyTable({ policies }: { policies: Policy[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="policy-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Settings</th>
            <th>Assigned to</th>
            <th>Changed</th>
          </tr>
        </thead>
        <tbody>
          {policies.map((policy) => {
            const lines = settingLines(policy.settings);
            return (
              <tr key={policy.id} data-testid="policy-row" data-policy-id={policy.id}>
                <td>
                  <Link
                    href={`/policies/${encodeURIComponent(policy.id)}`}
                    data-testid="policy-link"
                  >
                    {policy.name}
                  </Link>
                  {policy.description && <div className="muted small">{policy.description}</div>}
                </td>
                <td>
                  {lines.length === 0 ? (
                    <span className="muted">Sets nothing</span>
                  ) : (
                    lines.map((line) => <div key={line}>{line}</div>)
                  )}
                </td>
                <td data-testid="policy-row-assignments">{assignmentsSummary(policy)}</td>
                <td className="nowrap">{formatDateTime(policy.updatedAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Policies: named settings (recording per session kind, upload to custom storage) assigned to
 * device groups and devices.
 *
 * @example
 * <PoliciesPage />
 */
export function PoliciesPage() {
  const [policies, reload] = useLoad((api) => api.listPolicies(), []);
  const { can } = useConsole();
  return (
    <>
      <PageHeader
        title="Policies"
        subtitle="Device-level policies win over group-level ones, per setting. Settings no policy sets use the defaults: every session is recorded, recordings stay on this server."
        actions={
          can('policies.manage') ? (
            <Link href="/policies/new" className="button button-primary" data-testid="policy-new">
              New policy
            </Link>
          ) : (
            <NotAllowed permission="policies.manage" />
          )
        }
      />
      <Loaded load={policies} onRetry={reload}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No policies yet">
              <p>
                Create one to turn recording off for some session kinds, or to upload recordings to
                your SFTP server.
              </p>
            </EmptyState>
          ) : (
            <PolicyTable policies={list} />
          )
        }
      </Loaded>
    </>
  );
}
