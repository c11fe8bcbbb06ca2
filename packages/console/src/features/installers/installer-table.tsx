import type { ExtendInstallerResponse, Installer } from '@tether/protocol';
import { useState } from 'react';
import { Notice } from '../../components/notice.js';
import { notAllowedReason } from '../../components/not-allowed.js';
import { formatDateTime } from '../../format/format.js';
import { visibleText } from '../../format/visible-text.js';
import { useAction } from '../../hooks/use-action.js';
import { useNow } from '../../hooks/use-now.js';
import { useConsole } from '../../api/console-context.js';
import { InstallerDownloads } from './installer-downloads.js';
import { validityChoices } from './installer-form.js';

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
  revoked: 'Deleted',
  'used-up': 'Used up',
};

/** What the devices get, in a few words: tag, policies, mode, and what the install may change. */
function AttributeSummary({ installer }: { installer: Installer }) {
  const attributes = installer.attributes;
  if (!attributes) return <span className="muted">—</span>;
  const policies = [
    attributes.jumpPolicy,
    attributes.sessionPolicyPresent,
    attributes.sessionPolicyNotPresent,
  ].filter((name): name is string => name !== null);
  const parts = [
    attributes.name && `name ${attributes.name}`,
    attributes.tag && `tag ${attributes.tag}`,
    policies.length > 0 && `policies ${[...new Set(policies)].join(', ')}`,
    attributes.mode === 'user' && 'user mode',
    attributes.connectionType === 'passive' && 'passive',
    attributes.maxOfflineMinutes !== null && `offline ≤ ${attributes.maxOfflineMinutes} min`,
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  const overridable = installer.overridable ?? [];
  return (
    <span data-testid="installer-attributes">
      {parts.length > 0 ? visibleText(parts.join(' · ')) : <span className="muted">defaults</span>}
      {overridable.length > 0 && (
        <small className="muted" data-testid="installer-overridable">
          <br />
          may override: {overridable.join(', ')}
        </small>
      )}
    </span>
  );
}

/** Extend: a validity from now and its button, also for an expired installer. */
function ExtendControl(props: {
  installer: Installer;
  isDisabled: boolean;
  onExtended: (result: ExtendInstallerResponse) => void;
}) {
  const [validForSec, setValidForSec] = useState(86400);
  const extend = useAction((api) => api.extendInstaller(props.installer.id, { validForSec }), {
    onDone: props.onExtended,
  });
  return (
    <span className="inline-create">
      <select
        aria-label="Extend by"
        value={validForSec}
        onChange={(event) => setValidForSec(Number(event.target.value))}
        disabled={props.isDisabled}
        data-testid="installer-extend-validity"
      >
        {validityChoices.map((choice) => (
          <option key={choice.seconds} value={choice.seconds}>
            {choice.label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button button-small"
        disabled={props.isDisabled || extend.isRunning}
        onClick={() => extend.run()}
        data-testid="installer-extend"
      >
        Extend
      </button>
      {extend.error && <Notice kind="error">{extend.error}</Notice>}
    </span>
  );
}

/**
 * The installers, active ones first as the server lists them: expiry, installs, extend,
 * delete, and the package downloads of each active one.
 *
 * @example
 * <InstallerTable installers={list} onChanged={reload} />
 */
export function InstallerTable({
  installers,
  onChanged,
}: {
  installers: Installer[];
  onChanged: () => void;
}) {
  const now = useNow(30_000);
  const [extended, setExtended] = useState<ExtendInstallerResponse | null>(null);
  const remove = useAction((api, id: string) => api.revokeInstaller(id), { onDone: onChanged });
  const { can, roleName } = useConsole();
  const mayManage = can('installers.manage');
  const confirmDelete = (installer: Installer) => {
    const name = installer.comment || installer.group;
    if (
      window.confirm(
        `Delete the installer "${name}"? Its packages will stop installing. Devices already installed are not affected.`,
      )
    ) {
      remove.run(installer.id);
    }
  };
  const onExtended = (result: ExtendInstallerResponse) => {
    setExtended(result);
    onChanged();
  };
  return (
    <>
      {remove.error && (
        <Notice kind="error" onDismiss={remove.clearError}>
          {remove.error}
        </Notice>
      )}
      {extended && (
        <Notice kind="success" onDismiss={() => setExtended(null)}>
          <span data-testid="installer-extended">
            Extended until {formatDateTime(extended.installer.expiresAt)}. Download its package
            again: packages downloaded before carry the old expiry.
          </span>
        </Notice>
      )}
      <div className="table-wrap">
        <table className="table" data-testid="installer-table">
          <thead>
            <tr>
              <th>Group</th>
              <th>Comments</th>
              <th>Devices get</th>
              <th>Expires</th>
              <th>Installs</th>
              <th>Status</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {installers.flatMap((installer) => {
              const status = statusOf(installer, now);
              const row = (
                <tr
                  key={installer.id}
                  data-testid="installer-row"
                  data-installer-id={installer.id}
                  data-status={status}
                >
                  <td>{visibleText(installer.group)}</td>
                  <td>{installer.comment || <span className="muted">—</span>}</td>
                  <td>
                    <AttributeSummary installer={installer} />
                  </td>
                  <td>{formatDateTime(installer.expiresAt)}</td>
                  <td data-testid="installer-installs">
                    {installer.installs}
                    {installer.maxInstalls === null ? '' : ` / ${installer.maxInstalls}`}
                  </td>
                  <td>
                    <span className={`badge badge-${status}`}>{statusLabels[status]}</span>
                  </td>
                  <td className="align-end">
                    {status !== 'revoked' && (
                      <span
                        title={
                          mayManage ? undefined : notAllowedReason('installers.manage', roleName)
                        }
                      >
                        <ExtendControl
                          installer={installer}
                          isDisabled={!mayManage}
                          onExtended={onExtended}
                        />
                        <button
                          type="button"
                          className="button button-small button-danger"
                          disabled={remove.isRunning || !mayManage}
                          onClick={() => confirmDelete(installer)}
                          data-testid="installer-revoke"
                        >
                          Delete
                        </button>
                      </span>
                    )}
                  </td>
                </tr>
              );
              if (status !== 'active') return [row];
              return [
                row,
                <tr key={`${installer.id}-downloads`} data-testid="installer-downloads-row">
                  <td colSpan={7}>
                    <InstallerDownloads installer={installer} />
                  </td>
                </tr>,
              ];
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
