import type { ReactNode } from 'react';

/**
 * A message box: `error` for failures (announced to screen readers), `info` and `success`
 * for guidance and confirmations.
 *
 * @example
 * {error && <Notice kind="error">{error}</Notice>}
 */
export function Notice({
  kind,
  children,
  onDismiss,
}: {
  kind: 'error' | 'info' | 'success' | 'warning';
  children: ReactNode;
  onDismiss?: () => void;
}) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div className="notice-body">{children}</div>
      {onDismiss && (
        <button type="button" className="button-link" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
