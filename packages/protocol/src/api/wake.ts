import { z } from 'zod';
import { DeviceId, Timestamp } from '../ids.js';

/**
 * A SecureOn password as the API takes it: 4 or 6 bytes in hex, optionally separated by `:` or
 * `-` (`00:11:22:33:44:55`, `c0a80001`).
 *
 * @example
 * SecureOnPassword.parse('00-11-22-33-44-55');
 */
export const SecureOnPassword = z
  .string()
  .regex(
    /^[0-9a-fA-F]{2}(?:[:-]?[0-9a-fA-F]{2}){3}(?:(?:[:-]?[0-9a-fA-F]{2}){2})?$/,
    'must be 4 or 6 bytes in hex, like 00:11:22:33:44:55',
  );

/**
 * `POST /api/v1/devices/:id/wake`: an optional SecureOn password for devices whose network card
 * asks for one. It travels to the agent that sends the packets and is never stored.
 *
 * @example
 * await api.call(wakeEndpoints.wake, { params: { id }, body: { secureOn: '00:11:22:33:44:55' } });
 */
export const WakeRequest = z.object({ secureOn: SecureOnPassword.optional() });
export type WakeRequest = z.infer<typeof WakeRequest>;

/**
 * What a wake did: `passive` — the passive agent accepted a signed wake-up at `address` and is
 * connecting; `wake-on-lan` — magic packets left through the online agent `via`;
 * the device has yet to boot and connect. The next attempt is possible at `nextAttemptAt`.
 *
 * @example
 * const text = result.method === 'passive' ? 'The agent is connecting.' : `Packets sent through ${result.via?.name}.`;
 */
export const WakeResult = z.object({
  deviceId: DeviceId,
  method: z.enum(['passive', 'wake-on-lan']),
  /** `passive`: the address that answered (`host:port`). */
  address: z.string().optional(),
  /** `wake-on-lan`: the agent that sent the packets. */
  via: z.object({ id: DeviceId, name: z.string() }).optional(),
  /** `wake-on-lan`: the hardware addresses woken. */
  macs: z.array(z.string()).optional(),
  /** Waking this device again is refused (RATE_LIMITED) until then: a 30 s cooldown. */
  nextAttemptAt: Timestamp,
});
export type WakeResult = z.infer<typeof WakeResult>;
