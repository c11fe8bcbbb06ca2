import { useState, type SyntheticEvent } from 'react';
import { FormSubmit } from '../../components/form-submit.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { TeamCard } from './team-card.js';
import { UserGrants } from './user-grants.js';

function CreateTeamForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const create = useAction((api) => api.createTeam(name.trim()), {
    onDone: () => {
      setName('');
      onCreated();
    },
  });
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    create.run();
  };
  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="team-form">
      <h2>Create a team</h2>
      <label className="field">
        <span>Name</span>
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          maxLength={64}
          data-testid="team-form-name"
        />
      </label>
      <FormSubmit
        action={create}
        label="Create team"
        busyLabel="Creating…"
        disabled={name.trim() === ''}
        testId="team-create"
      />
    </form>
  );
}

/**
 * Teams (administrators): who is in each team, and what each team may do on each device group.
 *
 * @example
 * <TeamsPage />
 */
export function TeamsPage() {
  const [data, reload] = useLoad(async (api) => {
    const [teams, users, grants, devices] = await Promise.all([
      api.listTeams(),
      api.listUsers(),
      api.listGrants(),
      api.listDevices(),
    ]);
    const groups = [...new Set(devices.map((device) => device.group))].sort();
    return { teams, users, grants, groups };
  }, []);
  return (
    <>
      <PageHeader
        title="Teams"
        subtitle="Rights on device groups, granted to teams: a technician sees and opens only the devices of the groups their teams have rights on. Administrators have every right; an auditor never acts."
      />
      <CreateTeamForm onCreated={reload} />
      <Loaded load={data} onRetry={reload}>
        {({ teams, users, grants, groups }) => (
          <>
            {!grants.enforced && (
              <Notice kind="info">
                No rights have been granted yet, so every user has every right their role allows on
                every device group. From the first grant on, users have only what is granted to them
                or their teams.
              </Notice>
            )}
            {teams.length === 0 && <p className="muted">No teams yet.</p>}
            {teams.map((team) => (
              <TeamCard
                key={`${team.id}:${team.name}`}
                team={team}
                users={users}
                grants={grants.grants.filter(
                  (grant) => grant.subject.kind === 'team' && grant.subject.id === team.id,
                )}
                groups={groups}
                onChanged={reload}
              />
            ))}
            <UserGrants users={users} grants={grants.grants} groups={groups} onChanged={reload} />
          </>
        )}
      </Loaded>
    </>
  );
}
