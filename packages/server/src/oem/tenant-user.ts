import { randomUUID } from 'node:crypto';
import { AppError } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { Store, UserRecord } from '../store/store.js';

/**
 * The user a tenant's sessions are recorded under (`oem:t…`): sessions and recordings name a
 * user, and an integrator's URL holder is not one of ours. It cannot sign in — its password
 * hash is not a hash — and its sessions are joined by one-time relay ticket only.
 *
 * @example
 * const user = await tenantUser({ store, clock }, 't123456789'); // username 'oem:t123456789'
 */
export async function tenantUser(
  deps: { store: Store; clock: Clock },
  tenantId: string,
): Promise<UserRecord> {
  const username = `oem:${tenantId}`;
  const existing = await deps.store.users.findByUsername(username);
  if (existing) return existing;
  try {
    return await deps.store.users.create({
      id: randomUUID(),
      username,
      role: 'technician',
      passwordHash: '!integration-api-no-sign-in',
      createdAt: deps.clock.now(),
    });
  } catch (error) {
    // Two URLs of one tenant opened at once: the other request created it.
    if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error;
    const created = await deps.store.users.findByUsername(username);
    if (!created) throw error;
    return created;
  }
}
