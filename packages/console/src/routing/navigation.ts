import { useSyncExternalStore } from 'react';

// pushState fires no event; the console announces its own navigations with this one.
const NAVIGATE_EVENT = 'tether:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/**
 * Goes to a console path without reloading the page.
 *
 * @example
 * navigate('/devices');
 */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  window.scrollTo(0, 0);
}

/**
 * The current location path; re-renders on navigation and on back/forward.
 *
 * @example
 * const route = parseRoute(usePathname());
 */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/**
 * The current query string (`?user=…`); re-renders on navigation and on back/forward, so a page
 * that keeps its filters in the URL follows them.
 *
 * @example
 * const filters = new URLSearchParams(useSearch());
 */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search);
}
