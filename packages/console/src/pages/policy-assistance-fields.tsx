import { ALL_SESSION_RIGHTS, AssistanceMode, type SessionRight } from '@tether/protocol';
import type { AssistanceFormState } from './policy-assistance-form.js';

const modeText: Record<AssistanceMode, string> = {
  interactive: 'Interactive: the user at the device accepts first',
  unattended: 'Unattended: one-time password, no user needed',
  dynamic: 'Dynamic: interactive when a user is logged in, else unattended',
};

const rightText: Record<SessionRight, string> = {
  view: 'View',
  control: 'Control',
  terminal: 'Terminal',
  files: 'Files',
};

/**
 * The policy editor's assistance settings: which modes a group allows with which rights, and
 * the access windows (jump policy) with what happens when one closes.
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
            <label className="checkbox">
              <input
                type="checkbox"
                checked={state.modes[mode].isAllowed}
                onChange={(event) => setMode(mode, { isAllowed: event.target.checked })}
                data-testid={`policy-mode-${mode}`}
              />
              {modeText[mode]}
            </label>
            {state.modes[mode].isAllowed &&
              ALL_SESSION_RIGHTS.map((right) => (
                <label key={right} className="checkbox">
                  <input
                    type="checkbox"
                    checked={state.modes[mode].rights.includes(right)}
                    onChange={(event) =>
                      setMode(mode, {
                        rights: event.target.checked
                          ? ALL_SESSION_RIGHTS.filter(
                              (known) =>
                                known === right || state.modes[mode].rights.includes(known),
                            )
                          : state.modes[mode].rights.filter((known) => known !== right),
                      })
                    }
                    data-testid={`policy-mode-${mode}-${right}`}
                  />
                  {rightText[right]}
                </label>
              ))}
          </div>
        ))}
      </fieldset>
      <label className="checkbox field-wide">
        <input
          type="checkbox"
          checked={state.hasWindows}
          onChange={(event) => change({ ...state, hasWindows: event.target.checked })}
          data-testid="policy-windows-enabled"
        />
        Allow sessions only within access windows
      </label>
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
          <label className="checkbox">
            <input
              type="checkbox"
              checked={state.endAtClose}
              onChange={(event) => change({ ...state, endAtClose: event.target.checked })}
              data-testid="policy-windows-end"
            />
            End running sessions when the window closes
          </label>
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
    </>
  );
}
