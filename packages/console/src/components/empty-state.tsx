import type { ReactNode } from 'react';

/**
 * What a list shows when it has nothing yet: a title and what to do about it.
 *
 * @example
 * <EmptyState title="No recordings yet">Sessions are recorded when …</EmptyState>
 */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2>{title}</h2>
      <div className="empty-state-body">{children}</div>
    </div>
  );
}
