import type { Grant, User } from '@tether/protocol';
import { useState } from 'react';
import { GrantEditor } from './grant-editor.js';

/**
 * Rights granted to single users rather than to a team (an exception for one person): the users
 * who have such grants, each with their grants, and any other user picked from the list.
 *
 * @example
 * <UserGrants users={users} grants={grants} groups={groups} onChanged={reload} />
 */
export function UserGrants({
  users,
  grants,
  groups,
  onChanged,
}: {
  users: readonly User[];
  grants: readonly Grant[];
  groups: readonly string[];
  onChanged: () => void;
}) {
  const [picked, setPicked] = useState('');
  const ofUser = (id: string) =>
    grants.filter((grant) => grant.subject.kind === 'user' && grant.subject.id === id);
  const shown = users.filter((user) => user.id === picked || ofUser(user.id).length > 0);
  return (
    <section className="card" data-testid="user-grants">
      <h2>Rights of single users</h2>
      <p className="muted small">
        Besides their teams&apos; rights. Administrators need none: they have every right.
      </p>
      {shown.map((user) => (
        <div key={user.id} data-testid="user-grants-of" data-username={user.username}>
          <h3>{user.displayName || user.username}</h3>
          <GrantEditor
            subject={{ kind: 'user', id: user.id }}
            grants={ofUser(user.id)}
            groups={groups}
            onChanged={onChanged}
          />
        </div>
      ))}
      <select
        aria-label="User to grant rights to"
        value={picked}
        onChange={(event) => setPicked(event.target.value)}
        data-testid="user-grants-pick"
      >
        <option value="">Grant rights to a user…</option>
        {users
          .filter((user) => user.role !== 'administrator' && ofUser(user.id).length === 0)
          .map((user) => (
            <option key={user.id} value={user.id}>
              {user.username}
            </option>
          ))}
      </select>
    </section>
  );
}
