import type { Action } from '../hooks/use-action.js';
import { Notice } from './notice.js';

interface FormSubmitProps {
  /** The form's action: its error shows above the button, and it disables it while it runs. */
  action: Action<never[]>;
  label: string;
  /** What the button says while the action runs (default: the label). */
  busyLabel?: string;
  /** Besides while running, e.g. while a required field is empty. */
  disabled?: boolean;
  testId: string;
}

/**
 * The end of a form: the failure of its last submit (dismissable) and its submit button.
 *
 * @example
 * <FormSubmit action={create} label="Create user" busyLabel="Creating…" testId="user-create" />
 */
export function FormSubmit({ action, label, busyLabel, disabled, testId }: FormSubmitProps) {
  return (
    <>
      {action.error && (
        <div className="field-wide">
          <Notice kind="error" onDismiss={action.clearError}>
            {action.error}
          </Notice>
        </div>
      )}
      <div className="field-wide">
        <button
          type="submit"
          className="button button-primary"
          disabled={action.isRunning || disabled}
          data-testid={testId}
        >
          {action.isRunning ? (busyLabel ?? label) : label}
        </button>
      </div>
    </>
  );
}
