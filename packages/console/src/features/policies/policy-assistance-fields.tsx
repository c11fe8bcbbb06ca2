import { AssistanceMode } from '@tether/protocol';
import type { AssistanceFormState } from './policy-assistance-form.js';
import { PresenceFields, RightsChecks } from './policy-presence-fields.js';
import { Checkbox } from '../../components/checkbox.js';

const modeText: Record<AssistanceMode, string> = {
  interactive: 'Interactive: the user at the device accepts first',
  unattended: 'Unattended: one-time password, no user needed',
  dynamic: 'Dynamic: interactive when a user is logged in, else unattended',
};

/**
 * The policy editor's assistance settings: which modes a group allows with which rights, the
 * access windows (jump policy) with what happens when one closes, and the session policies by
 * user presence.
 *
 * @example
 * <AssistanceFields state={state.assistance} change={(assistance) => change({ assistance })} />
 */
export function AssistanceFields({
  state,
  change,
}: {
  state: AssistanceFormState;
  change: (next: AssistanceFormState) => void;
}) {
  const setMode = (
    mode: AssistanceMode,
    patch: Partial<AssistanceFormState['modes'][AssistanceMode]>,
  ) => change({ ...state, modes: { ...state.modes, [mode]: { ...state.modes[mode], ...patch } } });
  return (
    <>
      <fieldset className="checkboxes field-wide" data-testid="policy-assistance-modes">
        <legend>Assistance modes (none ticked: not set by this policy)</legend>
        {AssistanceMode.options.map((mode) => (
          <div key={mode}>
            <Checkbox
              checked={state.modes[mode].isAllowed}
              onChange={(checked) => setMode(mode, { isAllowed: checked })}
              testId={`policy-mode-${mode}`}
            >
              {modeText[mode]}
            </Checkbox>
            {state.modes[mode].isAllowed && (
              <RightsChecks
                rights={state.modes[mode].rights}
                onChange={(rights) => setMode(mode, { rights })}
                testId={`policy-mode-${mode}`}
              />
            )}
          </div>
        ))}
      </fieldset>
      <Checkbox
        checked={state.hasWindows}
        onChange={(checked) => change({ ...state, hasWindows: checked })}
        testId="policy-windows-enabled"
        isWide
      >
        Allow sessions only within access windows
      </Checkbox>
      {state.hasWindows && (
        <>
          <label className="field">
            <span>Time zone</span>
            <input
              value={state.timeZone}
              onChange={(event) => change({ ...state, timeZone: event.target.value })}
              placeholder="Europe/Paris"
              data-testid="policy-windows-timezone"
            />
          </label>
          <label className="field">
            <span>Warn before the close (minutes)</span>
            <input
              type="number"
              min={0}
              max={60}
              value={state.warnMinutes}
              onChange={(event) => change({ ...state, warnMinutes: event.target.value })}
              data-testid="policy-windows-warn"
            />
          </label>
          <Checkbox
            checked={state.endAtClose}
            onChange={(checked) => change({ ...state, endAtClose: checked })}
            testId="policy-windows-end"
          >
            End running sessions when the window closes
          </Checkbox>
          <label className="field field-wide">
            <span>Windows, one a line</span>
            <textarea
              value={state.windows}
              onChange={(event) => change({ ...state, windows: event.target.value })}
              rows={3}
              className="mono"
              placeholder={'mon-fri 08:00-18:00\nsat 10:00-12:00'}
              data-testid="policy-windows"
            />
            <small className="muted">
              Days (mon…sun, ranges like mon-fri) and a wall-clock time range in the time zone
              above; an end before the start runs past midnight.
            </small>
          </label>
        </>
      )}
      <PresenceFields state={state} change={change} />
    </>
  );
}
