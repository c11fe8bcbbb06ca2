import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { Link } from '../../routing/link.js';
import { useState } from 'react';
import { useLoad } from '../../hooks/use-load.js';
import { ImportUsers } from './import-users.js';
import { UserForm } from './user-form.js';
import { UserRow } from './user-row.js';

/**
 * Users (administrators): create, import from a file, edit, disable, reset passwords, delete.
 *
 * @example
 * <UsersPage />
 */
export function UsersPage() {
  // Users and roles load together: the table names each user's role, the forms offer them all.
  const [load, reload] = useLoad(async (api) => {
    const [users, roles] = await Promise.all([api.listUsers(), api.listRoles()]);
    return { users, roles };
  }, []);
  const roles = load.state === 'ready' ? load.value.roles : [];
  const [isImporting, setImporting] = useState(false);
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Who may sign in to this console, and with which role. Disabling or deleting a user signs them out at once."
        actions={
          <>
            <Link href="/teams" className="button" data-testid="users-teams">
              Teams…
            </Link>
            <Link href="/roles" className="button" data-testid="users-roles">
              Roles…
            </Link>
          </>
        }
      />
      <p>
        <button
          type="button"
          className="button button-small"
          onClick={() => setImporting(true)}
          disabled={isImporting}
          data-testid="import-users-open"
        >
          Import users
        </button>
      </p>
      {isImporting && <ImportUsers onImported={reload} onClose={() => setImporting(false)} />}
      {roles.length > 0 && <UserForm roles={roles} onCreated={reload} />}
      <section>
        <h2 className="section-title">Users</h2>
        <Loaded load={load} onRetry={reload}>
          {({ users: list }) => (
            <div className="table-wrap">
              <table className="table" data-testid="user-table">
                <thead>
                  <tr>
                    <th>Username</th>
                    <th>Display name</th>
                    <th>Role</th>
                    <th>State</th>
                    <th>Created</th>
                    <th aria-label="Actions" />
                  </tr>
                </thead>
                <tbody>
                  {list.map((user) => (
                    <UserRow key={user.id} user={user} roles={roles} onChanged={reload} />
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
