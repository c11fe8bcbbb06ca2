import type { TetherClient } from '@tether/sdk';
import { useCallback, useEffect, useState } from 'react';
import { useConsole } from '../api/console-context.js';
import { describeError, isSignedOut } from '../format/describe-error.js';

/** State of data loaded from the API. */
export type Load<T> =
  { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; value: T };

/**
 * Loads data when the component mounts or `key` changes; `reload()` fetches again. A lost login
 * sends the technician back to the sign-in page instead of showing an error.
 *
 * @example
 * const [installers, reload] = useLoad((api) => api.listInstallers(), []);
 */
export function useLoad<T>(
  load: (api: TetherClient) => Promise<T>,
  key: readonly unknown[],
): [Load<T>, () => void, (value: T) => void] {
  const { api, onSignedOut } = useConsole();
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let isCurrent = true;
    load(api).then(
      (value) => {
        if (isCurrent) setResult({ state: 'ready', value });
      },
      (error: unknown) => {
        if (!isCurrent) return;
        if (isSignedOut(error)) onSignedOut();
        else setResult({ state: 'failed', message: describeError(error) });
      },
    );
    return () => {
      isCurrent = false;
    };
    // `load` is a fresh closure each render; `key` names what it depends on.
  }, [api, onSignedOut, generation, ...key]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const replace = useCallback((value: T) => setResult({ state: 'ready', value }), []);
  return [result, reload, replace];
}
