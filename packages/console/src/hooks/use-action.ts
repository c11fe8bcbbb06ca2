import type { TetherClient } from '@tether/sdk';
import { useCallback, useState } from 'react';
import { useConsole } from '../api/console-context.js';
import { describeError, isSignedOut } from '../format/describe-error.js';

/** A button's call to the API: whether it runs, and the error of its last run. */
export interface Action<A extends unknown[]> {
  run: (...args: A) => void;
  isRunning: boolean;
  error: string | null;
  clearError: () => void;
}

/**
 * Wraps a mutating API call for a button or form: tracks progress, turns failures into a
 * sentence, and returns to sign-in when the login is gone.
 *
 * @example
 * const revoke = useAction((api, id: string) => api.revokeInstaller(id), { onDone: reload });
 * <button disabled={revoke.isRunning} onClick={() => revoke.run(installer.id)}>Revoke</button>
 */
export function useAction<A extends unknown[], R>(
  perform: (api: TetherClient, ...args: A) => Promise<R>,
  options: { onDone?: (result: R) => void } = {},
): Action<A> {
  const { api, onSignedOut } = useConsole();
  const [isRunning, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { onDone } = options;

  const run = useCallback(
    (...args: A) => {
      setRunning(true);
      setError(null);
      perform(api, ...args).then(
        (result) => {
          setRunning(false);
          onDone?.(result);
        },
        (failure: unknown) => {
          setRunning(false);
          if (isSignedOut(failure)) onSignedOut();
          else setError(describeError(failure));
        },
      );
    },
    [api, onSignedOut, perform, onDone],
  );
  const clearError = useCallback(() => setError(null), []);
  return { run, isRunning, error, clearError };
}
