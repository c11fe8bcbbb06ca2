import { ALL_GROUPS, type DeviceRight, type Grant, type GrantSubjectKind } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { FormSubmit } from '../../components/form-submit.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { RightsFields } from './rights-fields.js';

/** Who the grants are for. */
export interface GrantSubject {
  kind: GrantSubjectKind;
  id: string;
}

function groupLabel(group: string): string {
  return group === ALL_GROUPS ? 'All groups' : group;
}

/** One grant: its rights, changed in place and saved, or revoked. */
function GrantRow({
  subject,
  grant,
  onChanged,
}: {
  subject: GrantSubject;
  grant: Grant;
  onChanged: () => void;
}) {
  const [rights, setRights] = useState<DeviceRight[]>(grant.rights);
  const save = useAction(
    (api, next: DeviceRight[]) => api.setGrant({ subject, group: grant.group, rights: next }),
    { onDone: onChanged },
  );
  const isChanged = rights.join() !== grant.rights.join();
  return (
    <div className="grant-row" data-testid="grant-row" data-group={grant.group}>
      <strong>{groupLabel(grant.group)}</strong>
      <RightsFields value={rights} onChange={setRights} testId="grant-row-rights" />
      <div className="row-actions">
        <button
          type="button"
          className="button button-small"
          disabled={!isChanged || save.isRunning}
          onClick={() => save.run(rights)}
          data-testid="grant-save"
        >
          Save
        </button>
        <button
          type="button"
          className="button button-small button-danger"
          disabled={save.isRunning}
          onClick={() => save.run([])}
          data-testid="grant-revoke"
        >
          Revoke
        </button>
      </div>
      {save.error && (
        <Notice kind="error" onDismiss={save.clearError}>
          {save.error}
        </Notice>
      )}
    </div>
  );
}

/**
 * The rights of a team (or user) per device group: each grant editable, and a form that grants
 * rights on another group (a known group, or `*` for all groups).
 *
 * @example
 * <GrantEditor subject={{ kind: 'team', id }} grants={grants} groups={groups} onChanged={reload} />
 */
export function GrantEditor({
  subject,
  grants,
  groups,
  onChanged,
}: {
  subject: GrantSubject;
  grants: readonly Grant[];
  /** Group names to offer (those of the devices). */
  groups: readonly string[];
  onChanged: () => void;
}) {
  const [group, setGroup] = useState('');
  const [rights, setRights] = useState<DeviceRight[]>(['device.view']);
  const add = useAction((api) => api.setGrant({ subject, group: group.trim(), rights }), {
    onDone: () => {
      setGroup('');
      onChanged();
    },
  });
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    add.run();
  };
  const listId = `groups-${subject.id}`;
  return (
    <div className="grant-editor">
      {grants.length === 0 && <p className="muted small">No rights on any device group yet.</p>}
      {grants.map((grant) => (
        <GrantRow
          key={`${grant.group}:${grant.rights.join()}`}
          subject={subject}
          grant={grant}
          onChanged={onChanged}
        />
      ))}
      <form className="grant-add" onSubmit={onSubmit} data-testid="grant-form">
        <label className="field">
          <span>Device group</span>
          <input
            value={group}
            onChange={(event) => setGroup(event.target.value)}
            list={listId}
            required
            maxLength={128}
            placeholder="e.g. Servers, or * for all groups"
            data-testid="grant-group"
          />
          <datalist id={listId}>
            <option value={ALL_GROUPS}>All groups</option>
            {groups.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </label>
        <RightsFields value={rights} onChange={setRights} testId="grant-rights" />
        <FormSubmit
          action={add}
          label="Grant"
          busyLabel="Granting…"
          disabled={group.trim() === '' || rights.length === 0}
          testId="grant-add"
        />
      </form>
    </div>
  );
}
