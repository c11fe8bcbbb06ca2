import { PERMISSION_INFO, type RoleView } from '@tether/protocol';
import { useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Loaded } from '../../components/loaded.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { Link } from '../../routing/link.js';
import { RoleForm } from './role-form.js';

/** A role's permissions in plain words (signing in goes without saying). */
function permissionList(role: RoleView): string {
  const shown = role.permissions.filter((permission) => permission !== 'console.use');
  return shown.length === 0
    ? 'Sign in only'
    : shown.map((permission) => PERMISSION_INFO[permission].label).join(', ');
}

function RoleRow({ role, onChanged }: { role: RoleView; onChanged: () => void }) {
  const { can } = useConsole();
  const [isEditing, setEditing] = useState(false);
  const remove = useAction((api) => api.deleteRole(role.id), { onDone: onChanged });
  const mayChange = can('roles.manage') && !role.builtIn;
  const confirmDelete = () => {
    if (window.confirm(`Delete the role "${role.name}"?`)) remove.run();
  };
  return (
    <>
      <tr data-testid="role-row" data-role={role.name}>
        <td>
          {role.name}
          {role.builtIn && <span className="muted small"> built-in</span>}
        </td>
        <td className="small">{role.description || <span className="muted">—</span>}</td>
        <td className="small" data-testid="role-row-permissions">
          {permissionList(role)}
        </td>
        <td data-testid="role-row-users">{role.userCount}</td>
        <td className="align-end row-actions">
          {mayChange && (
            <>
              <button
                type="button"
                className="button button-small"
                onClick={() => setEditing(true)}
                data-testid="role-edit"
              >
                Edit
              </button>
              <button
                type="button"
                className="button button-small button-danger"
                disabled={remove.isRunning}
                onClick={confirmDelete}
                data-testid="role-delete"
              >
                Delete
              </button>
            </>
          )}
        </td>
      </tr>
      {remove.error && (
        <tr>
          <td colSpan={5} data-testid="role-row-error">
            <Notice kind="error" onDismiss={remove.clearError}>
              {remove.error}
            </Notice>
          </td>
        </tr>
      )}
      {isEditing && (
        <tr>
          <td colSpan={5}>
            <RoleForm
              role={role}
              onSaved={() => {
                setEditing(false);
                onChanged();
              }}
              onCancel={() => setEditing(false)}
            />
          </td>
        </tr>
      )}
    </>
  );
}

/**
 * Roles: the built-in ones and custom roles, each a set of permissions. Administrators create,
 * change and delete custom roles; a role users have cannot be deleted.
 *
 * @example
 * <RolesPage />
 */
export function RolesPage() {
  const { can } = useConsole();
  const [roles, reload] = useLoad((api) => api.listRoles(), []);
  return (
    <>
      <p className="breadcrumb">
        <Link href="/users">← Users</Link>
      </p>
      <PageHeader
        title="Roles"
        subtitle="What each role allows. Built-in roles are fixed; a custom role is a set of permissions. Changes apply to its users at their next click."
      />
      {can('roles.manage') ? (
        <RoleForm onSaved={reload} />
      ) : (
        <NotAllowed permission="roles.manage" />
      )}
      <section>
        <h2 className="section-title">Roles</h2>
        <Loaded load={roles} onRetry={reload}>
          {(list) => (
            <div className="table-wrap">
              <table className="table" data-testid="role-table">
                <thead>
                  <tr>
                    <th>Role</th>
                    <th>Description</th>
                    <th>Allows</th>
                    <th>Users</th>
                    <th aria-label="Actions" />
                  </tr>
                </thead>
                <tbody>
                  {list.map((role) => (
                    <RoleRow key={role.id} role={role} onChanged={reload} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      </section>
    </>
  );
}
