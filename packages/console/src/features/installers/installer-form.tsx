import type { CreateInstallerResponse, InstallerAttributeName } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { FormSubmit } from '../../components/form-submit.js';
import { useConsole } from '../../api/console-context.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { GroupSelect } from '../device-groups/group-select.js';
import {
  attributesOfDraft,
  EMPTY_DRAFT,
  InstallerAttributeFields,
  OverrideCheckbox,
} from './installer-attribute-fields.js';

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
 * The form that creates an installer: its group, validity and every attribute its devices
 * get, each with an "allow override at install time" box.
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
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [overridable, setOverridable] = useState<ReadonlySet<InstallerAttributeName>>(new Set());
  const { can } = useConsole();
  const mayReadPolicies = can('policies.view');
  const [policies] = useLoad(
    (api) => (mayReadPolicies ? api.listPolicies() : Promise.resolve([])),
    [mayReadPolicies],
  );
  const policyNames = policies.state === 'ready' ? policies.value.map((policy) => policy.name) : [];
  const create = useAction(
    (api) =>
      api.createInstaller({
        group,
        validForSec,
        maxInstalls: maxInstalls === '' ? null : Number(maxInstalls),
        ...attributesOfDraft(draft),
        overridable: [...overridable],
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
      <div>
        <GroupSelect
          value={group}
          onChange={setGroup}
          label="Device group"
          hint="Devices installed with this installer join this group."
          testId="installer-group"
        />
        <OverrideCheckbox attribute="group" overridable={overridable} onChange={setOverridable} />
      </div>
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
        <small className="muted">
          After this, its packages no longer install. Installed agents keep working.
        </small>
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
      <InstallerAttributeFields
        draft={draft}
        onDraft={setDraft}
        overridable={overridable}
        onOverridable={setOverridable}
        policyNames={policyNames}
      />
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
