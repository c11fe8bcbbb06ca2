import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { readSetting } from '../store/read-setting.js';

/** Setting written by `tether admin unlock`: account (lower case) → when it was unlocked. */
const KEY = 'auth.unlockRequests';
const UnlockRequests = z.record(z.string(), z.string());
/** A running server looks for new requests at most this often (only when someone signs in). */
const POLL_EVERY_MS = 1000;

async function read(store: Store): Promise<Record<string, string>> {
  return readSetting(store.settings, KEY, UnlockRequests, {});
}

/**
 * Asks every server on this store to clear the sign-in lock of `username`: the throttle lives
 * in the server's memory, and the headless CLI reaches it through the store (like the trusted
 * networks).
 */
export async function requestUnlock(store: Store, username: string, at: Date): Promise<void> {
  const account = username.toLowerCase();
  const others = Object.entries(await read(store)).filter(([name]) => name !== account);
  // Newest last; only the last hundred are kept (a server applies each once, by its change).
  const requests = [...others, [account, at.toISOString()] as const].slice(-100);
  await store.settings.set(KEY, Object.fromEntries(requests));
}

/**
 * The server's side: `poll()` reads the requests at most once a second and calls `onUnlock`
 * for each account whose request changed since the last read (all of them on the first read,
 * which is harmless: a fresh throttle has nothing to clear).
 */
export function watchUnlockRequests(deps: {
  store: Store;
  clock: Clock;
  onUnlock(username: string): Promise<void> | void;
}): { poll(): Promise<void> } {
  let seen: Record<string, string> = {};
  let lastPollAt = -Infinity;
  let polling: Promise<void> | undefined;
  const readAndApply = async (): Promise<void> => {
    const requests = await read(deps.store);
    for (const [account, at] of Object.entries(requests)) {
      if (seen[account] !== at) await deps.onUnlock(account);
    }
    seen = requests;
  };
  return {
    poll() {
      const now = deps.clock.now().getTime();
      if (polling) return polling;
      if (now - lastPollAt < POLL_EVERY_MS) return Promise.resolve();
      lastPollAt = now;
      polling = readAndApply().finally(() => (polling = undefined));
      return polling;
    },
  };
}
