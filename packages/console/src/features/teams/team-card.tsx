import type { Grant, Team, User } from '@tether/protocol';
import { useState } from 'react';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { GrantEditor } from './grant-editor.js';

/**
 * One team: rename, delete, its members (add from the users, remove) and its rights per device
 * group.
 */
export function TeamCard({
  team,
  users,
  grants,
  groups,
  onChanged,
}: {
  team: Team;
  users: readonly User[];
  grants: readonly Grant[];
  groups: readonly string[];
  onChanged: () => void;
}) {
  const [name, setName] = useState(team.name);
  const [newMember, setNewMember] = useState('');
  const rename = useAction((api) => api.renameTeam(team.id, name.trim()), { onDone: onChanged });
  const remove = useAction((api) => api.deleteTeam(team.id), { onDone: onChanged });
  const addMember = useAction((api, userId: string) => api.addTeamMember(team.id, userId), {
    onDone: () => {
      setNewMember('');
      onChanged();
    },
  });
  const removeMember = useAction((api, userId: string) => api.removeTeamMember(team.id, userId), {
    onDone: onChanged,
  });
  const candidates = users.filter((user) => !team.members.some((member) => member.id === user.id));
  const error = rename.error ?? remove.error ?? addMember.error ?? removeMember.error;
  const confirmDelete = () => {
    if (window.confirm(`Delete the team "${team.name}"? Its members lose the rights it granted.`))
      remove.run();
  };
  return (
    <section className="card team-card" data-testid="team-card" data-team={team.name}>
      <div className="team-head">
        <input
          aria-label="Team name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={64}
          data-testid="team-name"
        />
        <button
          type="button"
          className="button button-small"
          disabled={name.trim() === '' || name.trim() === team.name || rename.isRunning}
          onClick={() => rename.run()}
          data-testid="team-rename"
        >
          Rename
        </button>
        <button
          type="button"
          className="button button-small button-danger"
          disabled={remove.isRunning}
          onClick={confirmDelete}
          data-testid="team-delete"
        >
          Delete
        </button>
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      <h3>Members</h3>
      <ul className="team-members" data-testid="team-members">
        {team.members.length === 0 && <li className="muted small">No members yet.</li>}
        {team.members.map((member) => (
          <li key={member.id} data-username={member.username}>
            {member.displayName || member.username}{' '}
            <button
              type="button"
              className="button-link small"
              onClick={() => removeMember.run(member.id)}
              data-testid="team-member-remove"
            >
              remove
            </button>
          </li>
        ))}
      </ul>
      <div className="team-add-member">
        <select
          aria-label="User to add"
          value={newMember}
          onChange={(event) => setNewMember(event.target.value)}
          data-testid="team-member-select"
        >
          <option value="">Add a member…</option>
          {candidates.map((user) => (
            <option key={user.id} value={user.id}>
              {user.username}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button-small"
          disabled={newMember === '' || addMember.isRunning}
          onClick={() => addMember.run(newMember)}
          data-testid="team-member-add"
        >
          Add
        </button>
      </div>
      <h3>Rights per device group</h3>
      <GrantEditor
        subject={{ kind: 'team', id: team.id }}
        grants={grants}
        groups={groups}
        onChanged={onChanged}
      />
    </section>
  );
}
