import type { Device, Policy, PolicyAssignment, PolicyTarget } from '@tether/protocol';
import { useState } from 'react';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { GroupSelect } from '../device-groups/group-select.js';
import { assignmentLabel } from './policy-labels.js';
import { visibleText } from '../../format/visible-text.js';

function keyOf(assignment: PolicyTarget): string {
  return assignment.type === 'group'
    ? `group:${assignment.group}`
    : `device:${assignment.deviceId}`;
}

function toTarget(assignment: PolicyAssignment): PolicyTarget {
  return assignment.type === 'group'
    ? { type: 'group', group: assignment.group }
    : { type: 'device', deviceId: assignment.deviceId };
}

/**
 * Where a policy applies: device groups and single devices. Changes are saved together; the
 * server refuses (and this shows) a combination where two policies on one group or device set
 * the same setting differently.
 *
 * @example
 * <PolicyAssignments policy={policy} devices={devices} onSaved={setPolicy} />
 */
export function PolicyAssignments({
  policy,
  devices,
  onSaved,
}: {
  policy: Policy;
  devices: Device[];
  onSaved: (policy: Policy) => void;
}) {
  const [assignments, setAssignments] = useState<PolicyAssignment[]>(policy.assignments);
  const [group, setGroup] = useState('');
  const [deviceId, setDeviceId] = useState('');
  const [isSaved, setSaved] = useState(false);
  const save = useAction(
    (api) => api.setPolicyAssignments(policy.id, { assignments: assignments.map(toTarget) }),
    {
      onDone: (saved: Policy) => {
        setSaved(true);
        setAssignments(saved.assignments);
        onSaved(saved);
      },
    },
  );
  const isChanged =
    assignments.map(keyOf).sort().join('\n') !== policy.assignments.map(keyOf).sort().join('\n');
  const add = (assignment: PolicyAssignment) => {
    setSaved(false);
    save.clearError();
    setAssignments((previous) =>
      previous.some((existing) => keyOf(existing) === keyOf(assignment))
        ? previous
        : [...previous, assignment],
    );
  };
  const remove = (assignment: PolicyAssignment) => {
    setSaved(false);
    save.clearError();
    setAssignments((previous) => previous.filter((other) => keyOf(other) !== keyOf(assignment)));
  };
  const device = devices.find((candidate) => candidate.id === deviceId);

  return (
    <section className="card" data-testid="policy-assignments">
      <h2>Assigned to</h2>
      <p className="muted">
        A policy applies to every device of its groups and to its single devices. Per setting, a
        policy assigned to the device itself wins over one assigned to its group.
      </p>
      {assignments.length === 0 ? (
        <p className="muted" data-testid="policy-assignments-empty">
          Not assigned yet: this policy applies to no device.
        </p>
      ) : (
        <ul className="assignment-list">
          {assignments.map((assignment) => (
            <li
              key={keyOf(assignment)}
              data-testid="policy-assignment"
              data-key={keyOf(assignment)}
            >
              {assignmentLabel(assignment)}{' '}
              <button
                type="button"
                className="button-link"
                onClick={() => remove(assignment)}
                data-testid="policy-assignment-remove"
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="assignment-add">
        <GroupSelect
          value={group}
          onChange={setGroup}
          label="Device group"
          placeholder="Choose a group…"
          testId="policy-assign-group"
        />
        <button
          type="button"
          className="button"
          disabled={group === ''}
          onClick={() => {
            add({ type: 'group', group });
            setGroup('');
          }}
          data-testid="policy-assign-group-add"
        >
          Add group
        </button>
        <label className="field">
          <span>Single device</span>
          <select
            value={deviceId}
            onChange={(event) => setDeviceId(event.target.value)}
            data-testid="policy-assign-device"
          >
            <option value="">Choose a device…</option>
            {devices.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {visibleText(candidate.name)} ({visibleText(candidate.group)})
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button"
          disabled={!device}
          onClick={() => {
            if (device) add({ type: 'device', deviceId: device.id, deviceName: device.name });
            setDeviceId('');
          }}
          data-testid="policy-assign-device-add"
        >
          Add device
        </button>
      </div>
      {save.error && (
        <Notice kind="error" onDismiss={save.clearError}>
          <span data-testid="policy-assignments-error">{save.error}</span>
        </Notice>
      )}
      {isSaved && !isChanged && <Notice kind="success">Assignments saved.</Notice>}
      <button
        type="button"
        className="button button-primary"
        disabled={!isChanged || save.isRunning}
        onClick={() => save.run()}
        data-testid="policy-assignments-save"
      >
        {save.isRunning ? 'Saving…' : 'Save assignments'}
      </button>
    </section>
  );
}
