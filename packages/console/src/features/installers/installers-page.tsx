import type { CreateInstallerResponse, Installer } from '@tether/protocol';
import { useState } from 'react';
import { EmptyState } from '../../components/empty-state.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { formatDateTime } from '../../format/format.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { useNow } from '../../hooks/use-now.js';
import { useConsole } from '../../api/console-context.js';
import { NotAllowed, notAllowedReason } from '../../components/not-allowed.js';
import { CreatedInstaller } from './created-installer.js';
import { InstallerForm } from './installer-form.js';
import { visibleText } from '../../format/visible-text.js';

type InstallerStatus = 'active' | 'expired' | 'revoked' | 'used-up';

function statusOf(installer: Installer, now: number): InstallerStatus {
  if (installer.revoked) return 'revoked';
  if (Date.parse(installer.expiresAt) <= now) return 'expired';
  if (installer.maxInstalls !== null && installer.installs >= installer.maxInstalls)
    return 'used-up';
  return 'active';
}

const statusLabels: Record<InstallerStatus, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  'used-up': 'Used up',
};

function InstallerTable({
  installers,
  onChanged,
}: {
  installers: Installer[];
  onChanged: () => void;
}) {
  const now = useNow(30_000);
  const revoke = useAction((api, id: string) => api.revokeInstaller(id), { onDone: onChanged });
  const { can, roleName } = useConsole();
  const mayRevoke = can('installers.manage');
  const confirmRevoke = (installer: Installer) => {
    const name = installer.comment || installer.group;
    if (
      window.confirm(
        `Revoke the installer "${name}"? Its command will stop enrolling devices. Devices already enrolled are not affected.`,
      )
    ) {
      revoke.run(installer.id);
    }
  };
  return (
    <>
      {revoke.error && (
        <Notice kind="error" onDismiss={revoke.clearError}>
          {revoke.error}
        </Notice>
      )}
      <div className="table-wrap">
        <table className="table" data-testid="installer-table">
          <thead>
            <tr>
              <th>Group</th>
              <th>Comment</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Installs</th>
              <th>Status</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {installers.map((installer) => {
              const status = statusOf(installer, now);
              return (
                <tr
                  key={installer.id}
                  data-testid="installer-row"
                  data-installer-id={installer.id}
                  data-status={status}
                >
                  <td>{visibleText(installer.group)}</td>
                  <td>{installer.comment || <span className="muted">—</span>}</td>
                  <td>{formatDateTime(installer.createdAt)}</td>
                  <td>{formatDateTime(installer.expiresAt)}</td>
                  <td>
                    {installer.installs}
                    {installer.maxInstalls === null ? '' : ` / ${installer.maxInstalls}`}
                  </td>
                  <td>
                    <span className={`badge badge-${status}`}>{statusLabels[status]}</span>
                  </td>
                  <td className="align-end">
                    {(status === 'active' || status === 'used-up') && (
                      <button
                        type="button"
                        className="button button-small button-danger"
                        disabled={revoke.isRunning || !mayRevoke}
                        title={
                          mayRevoke ? undefined : notAllowedReason('installers.manage', roleName)
                        }
                        onClick={() => confirmRevoke(installer)}
                        data-testid="installer-revoke"
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * Installers: create one (its command is shown once), see which are active, revoke.
 *
 * @example
 * <InstallersPage />
 */
export function InstallersPage() {
  const [installers, reload] = useLoad((api) => api.listInstallers(), []);
  const [created, setCreated] = useState<CreateInstallerResponse | null>(null);
  const { can } = useConsole();
  return (
    <>
      <PageHeader
        title="Installers"
        subtitle="An installer is a time-limited enrolment command. Run it on a machine to add it to Tether."
      />
      {!can('installers.manage') ? (
        <NotAllowed permission="installers.manage" />
      ) : created ? (
        <CreatedInstaller created={created} onDone={() => setCreated(null)} />
      ) : (
        <InstallerForm
          onCreated={(next) => {
            setCreated(next);
            reload();
          }}
        />
      )}
      <section>
        <h2 className="section-title">Installers</h2>
        <Loaded load={installers} onRetry={reload}>
          {(list) =>
            list.length === 0 ? (
              <EmptyState title="No installers yet">
                <p>Create one above; its enrolment command adds a machine to Tether.</p>
              </EmptyState>
            ) : (
              <InstallerTable
                installers={[...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt))}
                onChanged={reload}
              />
            )
          }
        </Loaded>
      </section>
    </>
  );
}
