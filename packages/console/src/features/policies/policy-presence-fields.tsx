import { ALL_SESSION_RIGHTS, type SessionRight } from '@tether/protocol';
import type { AssistanceFormState } from './policy-assistance-form.js';
import { Checkbox } from '../../components/checkbox.js';

const rightText: Record<SessionRight, string> = {
  view: 'View',
  control: 'Control',
  terminal: 'Terminal',
  files: 'Files',
};

/**
 * A tick box per right, kept in display order.
 *
 * @example
 * <RightsChecks rights={rights} onChange={setRights} testId="policy-presence-present" />
 */
export function RightsChecks({
  rights,
  onChange,
  testId,
}: {
  rights: readonly SessionRight[];
  onChange: (rights: SessionRight[]) => void;
  testId: string;
}) {
  return ALL_SESSION_RIGHTS.map((right) => (
    <Checkbox
      key={right}
      checked={rights.includes(right)}
      onChange={(checked) =>
        onChange(
          checked
            ? ALL_SESSION_RIGHTS.filter((known) => known === right || rights.includes(known))
            : rights.filter((known) => known !== right),
        )
      }
      testId={`${testId}-${right}`}
    >
      {rightText[right]}
    </Checkbox>
  ));
}

const PRESENCE_CASES = [
  { key: 'present', legend: 'When a user is present' },
  { key: 'absent', legend: 'When nobody is present' },
] as const;

/**
 * Session policies by user presence: the rights when a user is at the device and when
 * nobody is, chosen when a session starts.
 *
 * @example
 * <PresenceFields state={state} change={change} />
 */
export function PresenceFields({
  state,
  change,
}: {
  state: AssistanceFormState;
  change: (next: AssistanceFormState) => void;
}) {
  return (
    <>
      <Checkbox
        checked={state.hasPresence}
        onChange={(checked) => change({ ...state, hasPresence: checked })}
        testId="policy-presence-enabled"
        isWide
      >
        Different rights depending on whether a user is at the device
      </Checkbox>
      {state.hasPresence && (
        <>
          {PRESENCE_CASES.map(({ key, legend }) => (
            <fieldset key={key} className="checkboxes" data-testid={`policy-presence-${key}`}>
              <legend>{legend}</legend>
              <RightsChecks
                rights={state[key]}
                onChange={(rights) => change({ ...state, [key]: rights })}
                testId={`policy-presence-${key}`}
              />
            </fieldset>
          ))}
          <Checkbox
            checked={state.useScreenState}
            onChange={(checked) => change({ ...state, useScreenState: checked })}
            testId="policy-presence-screen"
            isWide
          >
            Use screen state: a locked screen or a screensaver counts as nobody present
          </Checkbox>
          <small className="muted field-wide">
            The policy in force is chosen when a session starts and kept until it ends; the rights
            are those of the assistance mode narrowed by it.
          </small>
        </>
      )}
    </>
  );
}
