import { z } from 'zod';
import { lazySchema } from '../lazy-schema.js';
import { ErrorBody } from '../errors.js';
import { MacAddress } from '../api/device-network.js';

/** The port a passive agent listens on for wake-ups unless told otherwise. */
export const DEFAULT_PASSIVE_PORT = 5832;

/** Wake-on-LAN's customary UDP port (the "discard" port). */
export const DEFAULT_WAKE_ON_LAN_PORT = 9;

/**
 * A SecureOn password on the wire to the sending agent: 8 or 12 lower-case hex digits.
 *
 * @example
 * SecureOnHex.parse(secureOnHex('00:11:22:33:44:55')); // '001122334455'
 */
export const SecureOnHex = z.string().regex(/^(?:[0-9a-f]{8}|[0-9a-f]{12})$/);

/**
 * Turns a SecureOn password as typed into its wire form.
 *
 * @example
 * secureOnHex('00:11:22:AA:BB:CC'); // '001122aabbcc'
 */
export function secureOnHex(password: string): string {
  return password.replace(/[:-]/g, '').toLowerCase();
}

// ---- server → agent -------------------------------------------------------------------------

/**
 * How this agent keeps in touch, sent after `welcome` to agents with the `wake`
 * capability. `active`: it stays connected. `passive`: it listens on `passivePort` for signed
 * wake-ups, and disconnects once no session has run for `idleSec`.
 */
export const ServerWakeMode = lazySchema(() =>
  z.object({
    type: z.literal('wake.mode'),
    connectionType: z.enum(['active', 'passive']),
    passivePort: z.int().min(1).max(65535),
    idleSec: z.int().min(1).max(86_400),
  }),
);

/**
 * Send Wake-on-LAN magic packets for another device (A-11): 6 × 0xFF then `mac` 16 times, then
 * the SecureOn password when given, to each of `targets` (its subnets' broadcast addresses) by
 * UDP. The agent answers `wake.on_lan_sent` with the same `requestId`.
 */
export const ServerWakeOnLan = lazySchema(() =>
  z.object({
    type: z.literal('wake.on_lan'),
    requestId: z.uuid(),
    mac: MacAddress,
    secureOn: SecureOnHex.optional(),
    targets: z
      .array(z.object({ address: z.ipv4(), port: z.int().min(1).max(65535) }))
      .min(1)
      .max(8),
  }),
);

// ---- agent → server -------------------------------------------------------------------------

/** A passive agent listens for wake-ups on `port` (what it bound, maybe not the one asked). */
export const AgentWakeListening = z.object({
  type: z.literal('wake.listening'),
  port: z.int().min(1).max(65535),
});

/** The answer to `wake.on_lan`: the packets left, or why not. */
export const AgentWakeOnLanSent = z.object({
  type: z.literal('wake.on_lan_sent'),
  requestId: z.uuid(),
  error: ErrorBody.optional(),
});
