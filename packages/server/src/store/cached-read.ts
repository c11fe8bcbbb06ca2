import type { Clock } from '../clock.js';

/**
 * A read shared by every caller for `ttlMs`: what each agent connection or request asks of the
 * database, but which changes rarely (settings, the integration tenants). A read in progress is
 * shared too; a failed one is not remembered. `fresh` reads anew (after a change made here).
 *
 * @example
 * const tenants = cachedRead({ clock, ttlMs: 1000, read: () => store.oem.listTenants() });
 * for (const tenant of await tenants()) …
 */
export function cachedRead<T>(options: {
  clock: Clock;
  ttlMs: number;
  read: () => Promise<T>;
}): (fresh?: boolean) => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return (fresh = false) => {
    const at = options.clock.now().getTime();
    if (fresh || !cached || at - cached.at >= options.ttlMs) {
      const value = options.read();
      const entry = { at, value };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.value;
  };
}
