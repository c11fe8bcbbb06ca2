import { AppError } from '@tether/protocol';
import type { AdminActor } from '../audit/admin-actor.js';
import type { ServerContext } from '../ports/server-context.js';

/**
 * Wakes one device: a signed wake-up to a passive agent, or Wake-on-LAN magic
 * packets through an online agent on its subnet; 30 s cooldown per target. Resolves when sent.
 *
 * JOINT: implemented by the wake helper; the lifecycle helper's bulk action calls it.
 */
export function wakeDevice(
  _context: ServerContext,
  deviceId: string,
  _actor: AdminActor,
): Promise<void> {
  return Promise.reject(new AppError('UNAVAILABLE', `Waking device ${deviceId} is not built yet.`));
}
