import type { ReactNode } from 'react';
import type { Load } from '../hooks/use-load.js';
import { Notice } from './notice.js';

/**
 * Renders loaded data, or a loading line, or the error with a retry button.
 *
 * @example
 * <Loaded load={devices} onRetry={reload}>{(list) => <DeviceTable devices={list} />}</Loaded>
 */
export function Loaded<T>({
  load,
  onRetry,
  children,
}: {
  load: Load<T>;
  onRetry?: () => void;
  children: (value: T) => ReactNode;
}) {
  switch (load.state) {
    case 'loading':
      return (
        <p className="muted loading" aria-busy="true">
          Loading…
        </p>
      );
    case 'failed':
      return (
        <Notice kind="error">
          {load.message}{' '}
          {onRetry && (
            <button type="button" className="button-link" onClick={onRetry}>
              Try again
            </button>
          )}
        </Notice>
      );
    case 'ready':
      return <>{children(load.value)}</>;
  }
}
