import type { CreateInstallerResponse } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { FormSubmit } from '../../components/form-submit.js';
import { useAction } from '../../hooks/use-action.js';
import { GroupSelect } from '../device-groups/group-select.js';

/** The validity choices (A-2: from 10 minutes to 1 year). */
export const validityChoices: { label: string; seconds: number }[] = [
  { label: '10 minutes', seconds: 600 },
  { label: '1 hour', seconds: 3600 },
  { label: '8 hours', seconds: 8 * 3600 },
  { label: '1 day', seconds: 86400 },
  { label: '7 days', seconds: 7 * 86400 },
  { label: '30 days', seconds: 30 * 86400 },
  { label: '90 days', seconds: 90 * 86400 },
  { label: '1 year', seconds: 365 * 86400 },
];

/**
 * The form that creates an installer (an enrolment token for a device group).
 *
 * @example
 * <InstallerForm onCreated={(created) => setCreated(created)} />
 */
export function InstallerForm({
  onCreated,
}: {
  onCreated: (created: CreateInstallerResponse) => void;
}) {
  // The picker chooses the Default group (or the first) once the groups are loaded.
  const [group, setGroup] = useState('');
  const [validForSec, setValidForSec] = useState(86400);
  const [maxInstalls, setMaxInstalls] = useState('');
  const [comment, setComment] = useState('');
  const create = useAction(
    (api) =>
      api.createInstaller({
        group,
        validForSec,
        maxInstalls: maxInstalls === '' ? null : Number(maxInstalls),
        ...(comment.trim() === '' ? {} : { comment: comment.trim() }),
      }),
    { onDone: onCreated },
  );

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    create.run();
  };

  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="installer-form">
      <h2>Create an installer</h2>
      <GroupSelect
        value={group}
        onChange={setGroup}
        label="Device group"
        hint="Devices enrolled with this installer join this group."
        testId="installer-group"
      />
      <label className="field">
        <span>Valid for</span>
        <select
          value={validForSec}
          onChange={(event) => setValidForSec(Number(event.target.value))}
          data-testid="installer-validity"
        >
          {validityChoices.map((choice) => (
            <option key={choice.seconds} value={choice.seconds}>
              {choice.label}
            </option>
          ))}
        </select>
        <small className="muted">After this, the command no longer enrols new devices.</small>
      </label>
      <label className="field">
        <span>Maximum installs</span>
        <input
          type="number"
          min={1}
          step={1}
          placeholder="Unlimited"
          value={maxInstalls}
          onChange={(event) => setMaxInstalls(event.target.value)}
          data-testid="installer-max-installs"
        />
      </label>
      <label className="field field-wide">
        <span>Comment</span>
        <input
          value={comment}
          onChange={(event) => setComment(event.target.value)}
          maxLength={1024}
          placeholder="e.g. Paris office laptops"
          data-testid="installer-comment"
        />
      </label>
      <FormSubmit
        action={create}
        label="Create installer"
        busyLabel="Creating…"
        disabled={group === ''}
        testId="installer-create"
      />
    </form>
  );
}
