import { useEffect, useState } from 'react';

/**
 * The current time in milliseconds, refreshed every `intervalMs`, so "5 min ago" labels and
 * expiry states stay true on a page left open.
 *
 * @example
 * const now = useNow(30_000);
 */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
