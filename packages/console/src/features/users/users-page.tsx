import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
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
  const [users, reload] = useLoad((api) => api.listUsers(), []);
  const [isImporting, setImporting] = useState(false);
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Who may sign in to this console, and with which role. Disabling or deleting a user signs them out at once."
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
      <UserForm onCreated={reload} />
      <section>
        <h2 className="section-title">Users</h2>
        <Loaded load={users} onRetry={reload}>
          {(list) => (
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
                    <UserRow key={user.id} user={user} onChanged={reload} />
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
