import { EmptyState } from '../components/empty-state.js';
import { Link } from '../routing/link.js';

/**
 * Shown for console paths that match no page.
 *
 * @example
 * <NotFoundPage path="/nowhere" />
 */
export function NotFoundPage({ path }: { path: string }) {
  return (
    <EmptyState title="Page not found">
      <p>
        There is no page at <code>{path}</code>. Go to <Link href="/devices">Devices</Link>.
      </p>
    </EmptyState>
  );
}
