import type { WakeResult } from '@tether/protocol';
import type { AdminActor } from '../audit/admin-actor.js';
import type { ServerContext } from '../ports/server-context.js';

/**
 * Wakes one device: a signed wake-up to a passive agent, or Wake-on-LAN magic
 * packets through an online agent on its subnet; 30 s cooldown per target. Resolves when sent
 * (the device has yet to boot and connect); rejects with NOT_FOUND, CONFLICT (online),
 * RATE_LIMITED (cooldown, `details.retryAfterSec`) or UNAVAILABLE (no way to reach it, and why).
 *
 * JOINT: the lifecycle helper's bulk action calls it.
 *
 * @example
 * const result = await wakeDevice(context, deviceId, { username: 'admin' });
 */
export function wakeDevice(
  context: ServerContext,
  deviceId: string,
  actor: AdminActor,
  options: { secureOn?: string } = {},
): Promise<WakeResult> {
  return context.wake.wake(deviceId, actor, options);
}
