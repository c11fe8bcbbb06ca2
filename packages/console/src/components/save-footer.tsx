import type { Action } from '../hooks/use-action.js';
import { NotAllowed } from './not-allowed.js';
import { Notice } from './notice.js';

/**
 * The end of a settings form: the save's error, its confirmation, and **Save** — or, for a user
 * who may only read the settings, why they cannot change them.
 *
 * @example
 * <SaveFooter save={save} confirmation={confirmation} mayChange={can('settings.manage')} testId="proxy-save" />
 */
export function SaveFooter({
  save,
  confirmation,
  mayChange,
  testId,
}: {
  save: Pick<Action<never[]>, 'error' | 'clearError' | 'isRunning'>;
  confirmation: string | null;
  mayChange: boolean;
  /** The Save button's `data-testid`. */
  testId: string;
}) {
  return (
    <>
      {save.error && (
        <Notice kind="error" onDismiss={save.clearError}>
          {save.error}
        </Notice>
      )}
      {confirmation !== null && <Notice kind="success">{confirmation}</Notice>}
      {mayChange ? (
        <button
          type="submit"
          className="button button-primary"
          disabled={save.isRunning}
          data-testid={testId}
        >
          {save.isRunning ? 'Saving…' : 'Save'}
        </button>
      ) : (
        <NotAllowed permission="settings.manage" />
      )}
    </>
  );
}
