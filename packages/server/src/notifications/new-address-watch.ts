import { z } from 'zod';
import { sourceKeyOf } from '../auth/source-key.js';
import type { Notifications } from '../ports/notifications.js';
import type { Store } from '../store/store.js';
import { newAddressNotice } from './notices.js';

/** Addresses remembered per administrator; the oldest is forgotten past this. */
const KEPT = 50;
const Known = z.array(z.string()).max(KEPT);

/** Who signed in, as the watch needs it. */
export interface SignedInAdmin {
  user: { id: string; username: string };
  permissions: readonly string[];
  sourceAddress: string;
}

/**
 * `admin.newAddress` (S-7): an administrator — a user who may change the server's settings —
 * signed in from an address (an IPv6 /64) not seen for them before. The very first sign-in
 * only sets the baseline: every account has a first address, and that mail would be noise.
 * The addresses live in the settings store, so they survive a restart and a backup.
 */
export function createNewAddressWatch(deps: {
  store: Pick<Store, 'settings'>;
  notifications: Notifications;
}) {
  return async function onSignedIn({ user, permissions, sourceAddress }: SignedInAdmin) {
    if (!permissions.includes('settings.manage')) return;
    const key = `knownAddresses.${user.id}`;
    const parsed = Known.safeParse(await deps.store.settings.get(key));
    const known = parsed.success ? parsed.data : [];
    const address = sourceKeyOf(sourceAddress);
    if (known.includes(address)) return;
    await deps.store.settings.set(key, [...known, address].slice(-KEPT));
    if (known.length === 0) return;
    deps.notifications.notify(newAddressNotice(user.username, sourceAddress));
  };
}
