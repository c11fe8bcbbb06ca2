import { MIN_PASSWORD_LENGTH, type Role, type RoleView, type User } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { Notice } from '../../components/notice.js';
import { formatDateTime } from '../../format/format.js';
import { useAction } from '../../hooks/use-action.js';
import { DisplayNameField, RoleField } from './user-fields.js';
import { UserSignIns } from './user-sign-ins.js';

type Panel = 'none' | 'edit' | 'password' | 'sign-ins';

/**
 * One user of the table, with its actions: edit (display name, role), their sign-ins, disable /
 * enable, reset the password, delete (after confirmation). Refusals (the last administrator) are shown here.
 */
export function UserRow({
  user,
  roles,
  onChanged,
}: {
  user: User;
  roles: readonly RoleView[];
  onChanged: () => void;
}) {
  const [panel, setPanel] = useState<Panel>('none');
  const done = () => {
    setPanel('none');
    onChanged();
  };
  const toggle = useAction((api) => api.updateUser(user.id, { disabled: !user.disabled }), {
    onDone: onChanged,
  });
  const remove = useAction((api) => api.deleteUser(user.id), { onDone: onChanged });
  const resetFactors = useAction((api) => api.resetUserSecondFactors(user.id), {
    onDone: onChanged,
  });
  const confirmResetFactors = () => {
    if (
      window.confirm(
        `Remove every second factor of "${user.username}" (authenticator app, passkeys, recovery codes)? They are signed out at once, and must add a new factor at their next sign-in if their role requires one.`,
      )
    )
      resetFactors.run();
  };
  const confirmDelete = () => {
    if (
      window.confirm(
        `Delete the user "${user.username}"? They are signed out at once. Their audit trail and recordings stay.`,
      )
    )
      remove.run();
  };
  const error = toggle.error ?? remove.error ?? resetFactors.error;
  return (
    <>
      <tr data-testid="user-row" data-username={user.username}>
        <td>{user.username}</td>
        <td>{user.displayName || <span className="muted">—</span>}</td>
        <td data-testid="user-row-role">
          {roles.find((role) => role.id === user.role)?.name ?? user.role}
        </td>
        <td data-testid="user-row-state">
          <span className={`badge badge-${user.disabled ? 'revoked' : 'active'}`}>
            {user.disabled ? 'Disabled' : 'Enabled'}
          </span>
          {user.mustChangePassword && <span className="muted"> must change password</span>}
        </td>
        <td>{formatDateTime(user.createdAt)}</td>
        <td className="align-end row-actions">
          <button type="button" className="button button-small" onClick={() => setPanel('edit')}>
            Edit
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => setPanel('password')}
            data-testid="user-reset-password"
          >
            Reset password
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => setPanel('sign-ins')}
            data-testid="user-sign-ins"
          >
            Sign-ins
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={resetFactors.isRunning}
            onClick={confirmResetFactors}
            data-testid="user-reset-2fa"
          >
            Reset 2FA
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={toggle.isRunning}
            onClick={() => toggle.run()}
            data-testid="user-toggle"
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            className="button button-small button-danger"
            disabled={remove.isRunning}
            onClick={confirmDelete}
            data-testid="user-delete"
          >
            Delete
          </button>
        </td>
      </tr>
      {error && (
        <tr>
          <td colSpan={6} data-testid="user-row-error">
            <Notice kind="error" onDismiss={() => (toggle.clearError(), remove.clearError())}>
              {error}
            </Notice>
          </td>
        </tr>
      )}
      {panel !== 'none' && (
        <tr>
          <td colSpan={6}>
            {panel === 'edit' ? (
              <EditUser user={user} roles={roles} onDone={done} onCancel={() => setPanel('none')} />
            ) : panel === 'password' ? (
              <ResetPassword user={user} onDone={done} onCancel={() => setPanel('none')} />
            ) : (
              <UserSignIns user={user} onClose={() => setPanel('none')} />
            )}
          </td>
        </tr>
      )}
    </>
  );
}

interface PanelProps {
  user: User;
  onDone: () => void;
  onCancel: () => void;
}

function EditUser({ user, roles, onDone, onCancel }: PanelProps & { roles: readonly RoleView[] }) {
  const [displayName, setDisplayName] = useState(user.displayName);
  const [role, setRole] = useState<Role>(user.role);
  const [mustChangePassword, setMustChange] = useState(user.mustChangePassword);
  const save = useAction(
    (api) => api.updateUser(user.id, { displayName: displayName.trim(), role, mustChangePassword }),
    { onDone },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };
  return (
    <form className="form-grid" onSubmit={onSubmit} data-testid="user-edit-form">
      <DisplayNameField
        value={displayName}
        onChange={setDisplayName}
        testId="user-edit-display-name"
      />
      <RoleField roles={roles} value={role} onChange={setRole} testId="user-edit-role" />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={mustChangePassword}
          onChange={(event) => setMustChange(event.target.checked)}
          data-testid="user-edit-must-change"
        />
        <span>Must choose a new password at the next sign-in</span>
      </label>
      <PanelButtons action={save} label="Save" onCancel={onCancel} />
    </form>
  );
}

function ResetPassword({ user, onDone, onCancel }: PanelProps) {
  const [password, setPassword] = useState('');
  const [mustChangePassword, setMustChange] = useState(true);
  const reset = useAction(
    (api) => api.resetUserPassword(user.id, { password, mustChangePassword }),
    { onDone },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    reset.run();
  };
  return (
    <form className="form-grid" onSubmit={onSubmit} data-testid="user-password-form">
      <label className="field">
        <span>New password for {user.username}</span>
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          minLength={MIN_PASSWORD_LENGTH}
          required
          onChange={(event) => setPassword(event.target.value)}
          data-testid="user-new-password"
        />
        <small className="muted">Signs {user.username} out everywhere.</small>
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={mustChangePassword}
          onChange={(event) => setMustChange(event.target.checked)}
        />
        <span>Must change it at the next sign-in</span>
      </label>
      <PanelButtons action={reset} label="Set password" onCancel={onCancel} />
    </form>
  );
}

function PanelButtons({
  action,
  label,
  onCancel,
}: {
  action: { isRunning: boolean; error: string | null; clearError: () => void };
  label: string;
  onCancel: () => void;
}) {
  return (
    <div className="field-wide">
      {action.error && (
        <Notice kind="error" onDismiss={action.clearError}>
          {action.error}
        </Notice>
      )}
      <button
        type="submit"
        className="button button-primary button-small"
        disabled={action.isRunning}
        data-testid="user-panel-submit"
      >
        {label}
      </button>{' '}
      <button type="button" className="button button-small" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
